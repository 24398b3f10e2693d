"""The demo organisation behind `manage.py seed_demo`.

Everything is created in bulk and keyed by natural keys (emails, slugs, skill names) with
``ignore_conflicts``, so a second run adds nothing and 5,000 participants take seconds.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import HR_ADMIN, MANAGER, Profile, ProfileSkill, Skill, User, skill_key
from mentoring.models import Cohort, Enrolment, Programme
from mentoring.services import plan_files

DEMO_PASSWORD = "twoway-demo"
HR_EMAIL = "hr@twoway.example"
MANAGER_EMAIL = "manager@twoway.example"
JUNIOR_EMAIL = "junior@twoway.example"
SENIOR_EMAIL = "senior@twoway.example"
PROGRAMME_SLUG = "reverse-mentoring"
CURRENT_COHORT_SLUG = "autumn-2026"
PAST_COHORT_SLUG = "spring-2026"

# What juniors typically know better, and what seniors give back.
REVERSE_SKILLS = {
    "Digital tools": [
        "Generative AI tools",
        "Prompt writing",
        "Notion",
        "Slack and async work",
        "Figma",
        "Video editing",
        "Cybersecurity hygiene",
    ],
    "Social media": [
        "TikTok",
        "Instagram",
        "LinkedIn personal branding",
        "Podcasting",
        "Online communities",
    ],
    "Data": [
        "Excel Power Query",
        "Data visualisation",
        "Python basics",
        "SQL basics",
        "Dashboards in Power BI",
    ],
    "Ways of working": [
        "Remote collaboration",
        "Gen Z consumer habits",
        "Accessibility",
        "Sustainability at work",
        "Life on the front line",
    ],
}
FORWARD_SKILLS = {
    "Leadership": [
        "Leading teams",
        "Giving feedback",
        "Hiring well",
        "Conflict resolution",
        "Change management",
    ],
    "Strategy": ["Strategic planning", "Budgeting", "Decision making", "Board presentations"],
    "Navigating the organisation": [
        "Stakeholder management",
        "Negotiation",
        "Navigating the organisation",
        "Career planning",
        "Public speaking",
    ],
}
DEPARTMENTS = [
    "Marketing",
    "Finance",
    "Operations",
    "Engineering",
    "Sales",
    "People",
    "Legal",
    "Customer Service",
    "Data",
    "Product",
]
LOCATIONS = [
    ("London", "Europe/London"),
    ("Manchester", "Europe/London"),
    ("Edinburgh", "Europe/London"),
    ("Dublin", "Europe/Dublin"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Singapore", "Asia/Singapore"),
]
FIRST = [
    "Asha",
    "Robert",
    "Mei",
    "Tomás",
    "Priya",
    "James",
    "Zainab",
    "Oliver",
    "Chloe",
    "Kwame",
    "Sofia",
    "Liam",
    "Aisha",
    "Noah",
    "Hana",
    "Ethan",
    "Fatima",
    "Lucas",
    "Ines",
    "Daniel",
    "Yusuf",
    "Grace",
    "Mateo",
    "Amara",
    "Leo",
    "Nia",
    "Felix",
    "Maya",
    "Arjun",
    "Ella",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Chen",
    "García",
    "Patel",
    "Walsh",
    "Haddad",
    "Nowak",
    "Dubois",
    "Mensah",
    "Rossi",
    "Murphy",
    "Khan",
    "Schmidt",
    "Tanaka",
    "Evans",
    "Ali",
    "Silva",
    "Moreau",
    "O'Brien",
    "Kowalski",
    "Hughes",
    "Fischer",
    "Adeyemi",
    "Novak",
    "Reid",
]
JUNIOR_TITLES = [
    "Graduate Analyst",
    "Marketing Executive",
    "Junior Developer",
    "Customer Adviser",
    "Data Analyst",
    "Sales Associate",
    "HR Assistant",
    "Operations Coordinator",
    "Product Designer",
    "Paralegal",
]
SENIOR_TITLES = ["Director", "Head of", "Vice President", "Chief of Staff", "Senior Director"]
UPCOMING_COHORT_SLUG = "spring-2027"
JUNIOR_HOPES = [
    "Show a senior leader how my generation actually uses the tools we sell, and learn how "
    "decisions get made above my head.",
    "Get better at presenting to senior people, and help someone get confident with AI tools.",
    "Understand the strategy behind the changes we see on the front line.",
    "Build a network outside my department and learn how to plan my career.",
]
SENIOR_HOPES = [
    "Stop nodding along when people mention TikTok and data dashboards; hear honestly what "
    "it is like to work here at the start of a career.",
    "Learn the digital tools my teams use every day, and pass on what I know about leading.",
    "Get an unfiltered view of our culture from someone further down the organisation.",
    "Become a better listener and a less distant leader.",
]


@dataclass
class DemoOrganisation:
    """What later seeding steps (pairs, sessions) build on."""

    programme: Programme
    current: Cohort
    past: Cohort
    months: int
    rng: random.Random
    emails: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Newcomer:
    """One person of the upcoming cohort, as HR's file and their own first steps left them."""

    email: str
    side: str
    dept: str
    loc: tuple[str, str]
    stage: int  # 0 not invited, 1 invited, 2 invited + skills, 3 complete and signed in
    title: str
    full_name: str
    teaches: dict[str, int]
    learns: dict[str, int]
    hopes: str


def _name(rng: random.Random, i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + rng.randrange(len(LAST))) % len(LAST)]}"


def _hopes(rng: random.Random, side: str | None) -> str:
    """Most participants say what they hope for; some have not got round to it."""
    if side is None or rng.random() < 0.12:
        return ""
    return rng.choice(JUNIOR_HOPES if side == "junior" else SENIOR_HOPES)


def _skills() -> dict[str, Skill]:
    wanted = [
        (name, cat)
        for table in (REVERSE_SKILLS, FORWARD_SKILLS)
        for cat, names in table.items()
        for name in names
    ]
    Skill.objects.bulk_create(
        [Skill(name=name, key=skill_key(name), category=cat) for name, cat in wanted],
        ignore_conflicts=True,
    )
    return {s.name: s for s in Skill.objects.filter(key__in=[skill_key(n) for n, _ in wanted])}


DEMO_PLAN = "digital-reverse-mentoring"


@transaction.atomic
def seed_organisation(
    *, participants: int = 200, months: int = 3, seed: int = 2026
) -> DemoOrganisation:
    rng = random.Random(seed)
    today = timezone.localdate()
    programme, _ = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "name": "Reverse Mentoring",
            "description": "Junior colleagues mentor senior leaders in digital tools, social "
            "media, data and life further down the organisation; the leaders "
            "mentor them back.",
            "agreement": (
                "What is said between us stays between us.\n"
                "We park judgement: no question is a stupid question, in either direction.\n"
                "We meet about every two weeks for 45–60 minutes and keep the time protected.\n"
                "If one of us needs to cancel, we say so at least a day ahead and offer a new "
                "time.\n"
                "Either of us can ask HR for a no-fault re-match at any time."
            ),
        },
    )
    if not programme.plan_steps.exists():
        plan_files.programme_take_plan(programme=programme, key=DEMO_PLAN)
    past, _ = Cohort.objects.get_or_create(
        slug=PAST_COHORT_SLUG,
        defaults={
            "programme": programme,
            "name": "Spring 2026",
            "starts_on": today - timedelta(days=30 * (months + 7)),
            "ends_on": today - timedelta(days=30 * (months + 1)),
            # Active until its pairs are built: pairing/demo.py closes it, as HR would, once
            # it has pairs (a closed cohort's pairs can no longer change).
            "status": Cohort.Status.ACTIVE,
            "description": "Our first cohort.",
        },
    )
    current, _ = Cohort.objects.get_or_create(
        slug=CURRENT_COHORT_SLUG,
        defaults={
            "programme": programme,
            "name": "Autumn 2026",
            "starts_on": today - timedelta(days=30 * months),
            "ends_on": today + timedelta(days=30 * max(1, 6 - months)),
            "status": Cohort.Status.ACTIVE,
            "description": "Six months, meeting every two weeks.",
        },
    )
    skills = _skills()
    org = DemoOrganisation(programme=programme, current=current, past=past, months=months, rng=rng)
    _people(org, skills, participants, today)
    _upcoming(org, skills, participants, today)
    return org


def _upcoming(
    org: DemoOrganisation, skills: dict[str, Skill], participants: int, today: date
) -> None:
    """The next cohort, mid-enrolment: newcomers imported from HR's file, some invited and not
    yet signed in, some not invited, and profiles at every stage of completion."""
    rng = random.Random(7)
    cohort, _ = Cohort.objects.get_or_create(
        slug=UPCOMING_COHORT_SLUG,
        defaults={
            "programme": org.programme,
            "name": "Spring 2027",
            "starts_on": today + timedelta(days=60),
            "ends_on": today + timedelta(days=240),
            "status": Cohort.Status.ENROLLING,
            "meeting_cadence_days": 14,
            "description": "Our third cohort: enrolment is open.",
        },
    )
    reverse_names = [n for names in REVERSE_SKILLS.values() for n in names]
    forward_names = [n for names in FORWARD_SKILLS.values() for n in names]
    count = max(4, participants // 10)
    unusable = make_password(None)  # imported: they choose a password from the invitation
    people: list[_Newcomer] = []
    for i in range(count):
        side = "senior" if i % 2 else "junior"
        email = f"newcomer{i + 1:05d}@staff.twoway.example"
        dept = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        loc = LOCATIONS[rng.randrange(len(LOCATIONS))]
        stage = i % 4  # 0 not invited, 1 invited, 2 invited + skills, 3 complete and signed in
        teach_from, learn_from = (
            (reverse_names, forward_names) if side == "junior" else (forward_names, reverse_names)
        )
        people.append(
            _Newcomer(
                email=email,
                side=side,
                dept=dept,
                loc=loc,
                stage=stage,
                title=(
                    rng.choice(JUNIOR_TITLES)
                    if side == "junior"
                    else f"{rng.choice(SENIOR_TITLES)} {dept}"
                ),
                full_name=_name(rng, i + 500),
                teaches={n: rng.randint(1, 3) for n in rng.sample(teach_from, 2)}
                if stage >= 2
                else {},
                learns={n: rng.randint(1, 3) for n in rng.sample(learn_from, 2)}
                if stage >= 2
                else {},
                hopes=_hopes(rng, side) if stage == 3 else "",
            )
        )
    accepted = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=p.email,
                password=accepted if p.stage == 3 else unusable,
                last_login=timezone.now() if p.stage == 3 else None,
            )
            for p in people
        ],
        ignore_conflicts=True,
    )
    ids = dict(User.objects.filter(email__in=[p.email for p in people]).values_list("email", "id"))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=ids[p.email], email=p.email, verified=True, primary=True)
            for p in people
            if p.stage == 3
        ],
        ignore_conflicts=True,
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user_id=ids[p.email],
                full_name=p.full_name,
                job_title=p.title,
                department=p.dept,
                location=p.loc[0],
                timezone=p.loc[1],
                hopes=p.hopes,
            )
            for p in people
        ],
        ignore_conflicts=True,
    )
    profile_ids = dict(
        Profile.objects.filter(user_id__in=ids.values()).values_list("user_id", "id")
    )
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(
                profile_id=profile_ids[ids[p.email]], skill=skills[name], kind=kind, level=level
            )
            for p in people
            for kind, table in (("teach", p.teaches), ("learn", p.learns))
            for name, level in table.items()
        ],
        ignore_conflicts=True,
    )
    invited = timezone.now() - timedelta(days=3)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                cohort=cohort,
                user_id=ids[p.email],
                side=p.side,
                invited_at=invited if p.stage else None,
                invitations_sent=1 if p.stage else 0,
            )
            for p in people
        ],
        ignore_conflicts=True,
    )


def _people(
    org: DemoOrganisation, skills: dict[str, Skill], participants: int, today: date
) -> None:
    rng = org.rng
    password = make_password(DEMO_PASSWORD)
    reverse_names = [n for names in REVERSE_SKILLS.values() for n in names]
    forward_names = [n for names in FORWARD_SKILLS.values() for n in names]

    # rows: email -> (profile fields, side or None, teaches, learns, manager email)
    rows: dict[str, dict] = {}

    def add(email, full_name, side, title, dept, loc, grade, manager, teaches, learns, cap=1):
        rows[email] = dict(
            full_name=full_name,
            side=side,
            title=title,
            dept=dept,
            loc=loc,
            grade=grade,
            manager=manager,
            teaches=teaches,
            learns=learns,
            cap=cap,
            hopes=_hopes(rng, side),
        )

    london = LOCATIONS[0]
    add(
        "ceo@twoway.example",
        "Morgan Blake",
        None,
        "Chief Executive",
        "Executive",
        london,
        10,
        None,
        {},
        {},
    )
    add(
        HR_EMAIL,
        "Harriet Osei",
        None,
        "Head of People Development",
        "People",
        london,
        8,
        "ceo@twoway.example",
        {},
        {},
    )
    add(
        MANAGER_EMAIL,
        "Marcus Webb",
        None,
        "Chief Marketing Officer",
        "Marketing",
        london,
        9,
        "ceo@twoway.example",
        {},
        {},
    )
    add(
        SENIOR_EMAIL,
        "Robert Lindqvist",
        "senior",
        "Director of Brand",
        "Marketing",
        london,
        8,
        MANAGER_EMAIL,
        {"Negotiation": 3, "Stakeholder management": 2, "Public speaking": 2},
        {"TikTok": 3, "Generative AI tools": 2, "Data visualisation": 1},
    )
    add(
        JUNIOR_EMAIL,
        "Asha Okafor",
        "junior",
        "Data Analyst",
        "Data",
        LOCATIONS[1],
        2,
        "ceo@twoway.example",
        {"TikTok": 3, "Generative AI tools": 3, "Data visualisation": 2},
        {"Negotiation": 2, "Stakeholder management": 3, "Career planning": 1},
    )

    # Department heads (report to the CEO); seniors report to heads; juniors to seniors.
    heads = {}
    for d, dept in enumerate(DEPARTMENTS):
        if dept == "Marketing":
            heads[dept] = MANAGER_EMAIL
            continue
        email = f"head.{dept.lower().replace(' ', '-')}@twoway.example"
        heads[dept] = email
        add(
            email,
            _name(rng, d + 100),
            None,
            f"Chief {dept} Officer",
            dept,
            LOCATIONS[d % len(LOCATIONS)],
            9,
            "ceo@twoway.example",
            {},
            {},
        )

    seniors_by_dept: dict[str, list[str]] = {d: [] for d in DEPARTMENTS}
    n_seniors = max(2, participants * 9 // 20)
    for i in range(participants):
        dept = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        loc = LOCATIONS[rng.randrange(len(LOCATIONS))]
        if i < n_seniors:
            email = f"senior{i + 1:05d}@staff.twoway.example"
            teaches = {n: rng.randint(1, 3) for n in rng.sample(forward_names, rng.randint(2, 4))}
            learns = {n: rng.randint(1, 3) for n in rng.sample(reverse_names, rng.randint(2, 3))}
            title = f"{rng.choice(SENIOR_TITLES)} {dept}"
            add(
                email,
                _name(rng, i),
                "senior",
                title,
                dept,
                loc,
                rng.randint(7, 9),
                heads[dept],
                teaches,
                learns,
                cap=2 if rng.random() < 0.15 else 1,
            )
            seniors_by_dept[dept].append(email)
        else:
            email = f"junior{i + 1:05d}@staff.twoway.example"
            teaches = {n: rng.randint(1, 3) for n in rng.sample(reverse_names, rng.randint(2, 4))}
            learns = {n: rng.randint(1, 3) for n in rng.sample(forward_names, rng.randint(2, 3))}
            boss = rng.choice(seniors_by_dept[dept]) if seniors_by_dept[dept] else heads[dept]
            add(
                email,
                _name(rng, i),
                "junior",
                rng.choice(JUNIOR_TITLES),
                dept,
                loc,
                rng.randint(1, 3),
                boss,
                teaches,
                learns,
            )

    User.objects.bulk_create(
        [User(email=email, password=password) for email in rows],
        ignore_conflicts=True,
    )
    ids = dict(User.objects.filter(email__in=list(rows)).values_list("email", "id"))
    org.emails = ids
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=ids[e], email=e, verified=True, primary=True) for e in rows],
        ignore_conflicts=True,
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user_id=ids[e],
                full_name=r["full_name"],
                job_title=r["title"],
                department=r["dept"],
                location=r["loc"][0],
                timezone=r["loc"][1],
                grade=r["grade"],
                manager_id=ids.get(r["manager"]) if r["manager"] else None,
                hopes=r["hopes"],
            )
            for e, r in rows.items()
        ],
        ignore_conflicts=True,
    )
    profile_ids = dict(
        Profile.objects.filter(user_id__in=ids.values()).values_list("user_id", "id")
    )
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(profile_id=profile_ids[ids[e]], skill=skills[name], kind=kind, level=level)
            for e, r in rows.items()
            for kind, table in (("teach", r["teaches"]), ("learn", r["learns"]))
            for name, level in table.items()
        ],
        ignore_conflicts=True,
    )
    enrol = [
        Enrolment(
            cohort=org.current,
            user_id=ids[e],
            side=r["side"],
            capacity=r["cap"],
            invited_at=timezone.now(),
        )
        for e, r in rows.items()
        if r["side"]
    ]
    # About half of today's participants also took part in the first cohort.
    enrol += [
        Enrolment(
            cohort=org.past, user_id=ids[e], side=r["side"], capacity=1, invited_at=timezone.now()
        )
        for e, r in rows.items()
        if r["side"] and e not in (JUNIOR_EMAIL, SENIOR_EMAIL) and zlib.crc32(e.encode()) % 2 == 0
    ]
    Enrolment.objects.bulk_create(enrol, ignore_conflicts=True)

    Group.objects.get_or_create(name=HR_ADMIN)[0].user_set.add(ids[HR_EMAIL])
    Group.objects.get_or_create(name=MANAGER)[0].user_set.add(ids[MANAGER_EMAIL])
