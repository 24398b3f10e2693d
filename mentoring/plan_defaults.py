"""The guides every new programme starts with. HR rewrites them per programme; these are
written for reverse mentoring, where the junior teaches and the senior learns first."""

JUNIOR_GUIDE = """\
Mentoring someone senior: a short guide for reverse mentors

You were chosen because you know things your partner does not. That is the whole point.

1. Expect to feel intimidated, and do it anyway. Most reverse mentors do at first. Your partner \
signed up to learn from you; they are not assessing you.
2. Prepare one concrete thing per session: a tool to open together, a habit, a story from \
your team. Showing beats telling.
3. Ask before you explain: "How do you use this today?" tells you where to start.
4. Say what you see, kindly and plainly. Honest observations from further down the \
organisation are the most valuable thing you bring.
5. Nothing you hear leaves the pair. Confidentiality runs both ways and protects you too.
6. Use the time back: ask about strategy, decisions and how the organisation really works.
7. If a meeting is cancelled twice, say so. Keeping the dates is part of the agreement.
"""

SENIOR_GUIDE = """\
Being mentored: a short guide for senior mentees

Your partner is here to teach you. The exchange works when you let them lead.

1. Listen first. Let your mentor finish, and ask questions before giving opinions.
2. Park judgement. You will hear views about the organisation that differ from yours; they are \
information, not criticism, and they stay in the pair.
3. Keep the dates. A cancelled session tells a junior colleague they matter less. Move a \
meeting if you must; do not drop it.
4. Do the homework. Try the tool, post the update, read the thread: learning happens between \
sessions.
5. Be open about what you do not know. It makes it safe for your mentor to be open too.
6. Give back: share how decisions are made, how you navigated your career, what leadership \
costs. That is the two-way part.
7. Thank your mentor and tell their manager what they taught you, if they agree.
"""


def default_junior_guide() -> str:
    return JUNIOR_GUIDE


def default_senior_guide() -> str:
    return SENIOR_GUIDE
