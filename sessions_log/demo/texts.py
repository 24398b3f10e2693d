"""What the demo's pairs write: shared summaries, private notes, goals and their progress, and
pulse comments."""

from __future__ import annotations

SUMMARIES = {
    "reverse": [
        "We set up {skill} together and tried it on a real piece of work.",
        "Walked through how my team actually uses {skill} day to day; lots of questions.",
        "Hands-on hour on {skill}: first attempt done, homework agreed.",
        "Looked at what good {skill} looks like from the outside; picked two things to try.",
    ],
    "forward": [
        "Talked through {skill}: a real situation and how to approach it next week.",
        "Stories about {skill} from twenty years of getting it wrong and right.",
        "Prepared for a conversation that needs {skill}; role-played the hard part.",
        "Mapped who matters for {skill} and how to get on their radar.",
    ],
    "both": [
        "Swapped: {skill} one way, then what the other side of the organisation sees.",
        "Half and half today, starting with {skill}; both left with something to try.",
    ],
}
PRIVATE_NOTES = [
    "I was more nervous than I expected; it got easier after ten minutes.",
    "Must remember to follow up on the thing about my manager.",
    "I underestimated how much I take for granted here.",
    "Felt a bit rushed. Ask for a longer slot next time.",
    "Really useful. I want to try this with my own team.",
    "Not sure I explained it well; bring an example next time.",
]
GOALS = {
    "reverse": [
        "Post on LinkedIn every week without agonising",
        "Use generative AI for first drafts",
        "Understand what our graduates actually want from us",
        "Build my own simple dashboard",
        "Stop dreading TikTok",
    ],
    "forward": [
        "Get better at negotiating for my team's budget",
        "Understand how decisions are really made at the top",
        "Present to senior leaders with confidence",
        "Plan my next career step",
        "Handle difficult conversations calmly",
    ],
}
PROGRESS = [
    "Tried it twice so far.",
    "Good start; need practice.",
    "Done, and it worked!",
    "Stalled a bit during the busy season.",
    "",
]
PULSE_COMMENTS = [
    "",
    "",
    "",
    "Finding the time is hard.",
    "Really valuable so far.",
    "We keep having to reschedule.",
]
