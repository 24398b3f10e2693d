"""What the demo's people are made of: skills each way, departments, places, names, job titles
and the hopes they write on their profiles."""

from __future__ import annotations

import random

from accounts.models import Skill, skill_key

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


def full_name(rng: random.Random, i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + rng.randrange(len(LAST))) % len(LAST)]}"


def hopes(rng: random.Random, side: str | None) -> str:
    """Most participants say what they hope for; some have not got round to it."""
    if side is None or rng.random() < 0.12:
        return ""
    return rng.choice(JUNIOR_HOPES if side == "junior" else SENIOR_HOPES)


def demo_skills() -> dict[str, Skill]:
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
