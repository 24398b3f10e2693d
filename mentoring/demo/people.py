"""The demo's staff: the executives, HR and the department heads, then the participants of
the current cohorts (seniors report to their department's head, juniors to a senior), about
half of whom also took part in a past cohort."""

from __future__ import annotations

import zlib
from datetime import date
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import HR_ADMIN, MANAGER, Profile, ProfileSkill, Skill, User
from mentoring.demo import catalogue
from mentoring.demo.bulk import insert
from mentoring.demo.names import (
    DEMO_PASSWORD,
    HR_EMAIL,
    JUNIOR_EMAIL,
    MANAGER_EMAIL,
    SENIOR_EMAIL,
)
from mentoring.lib.sql import among
from mentoring.models import Enrolment

if TYPE_CHECKING:
    from mentoring.demo.organisation import DemoOrganisation


def seed_people(
    org: DemoOrganisation, skills: dict[str, Skill], participants: int, today: date
) -> None:
    rng = org.rng
    password = make_password(DEMO_PASSWORD)
    reverse_names = [n for names in catalogue.REVERSE_SKILLS.values() for n in names]
    forward_names = [n for names in catalogue.FORWARD_SKILLS.values() for n in names]

    # rows: email -> (profile fields, side or None, teaches, learns, manager email, group)
    rows: dict[str, dict] = {}

    def add(email, name, side, title, dept, loc, grade, manager, teaches, learns, cap=1, group=0):
        rows[email] = dict(
            group=group,
            full_name=name,
            side=side,
            title=title,
            dept=dept,
            loc=loc,
            grade=grade,
            manager=manager,
            teaches=teaches,
            learns=learns,
            cap=cap,
            hopes=catalogue.hopes(rng, side),
        )

    london = catalogue.LOCATIONS[0]
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
        catalogue.LOCATIONS[1],
        2,
        "ceo@twoway.example",
        {"TikTok": 3, "Generative AI tools": 3, "Data visualisation": 2},
        {"Negotiation": 2, "Stakeholder management": 3, "Career planning": 1},
    )

    # Department heads (report to the CEO); seniors report to heads; juniors to seniors.
    heads = {}
    for d, dept in enumerate(catalogue.DEPARTMENTS):
        if dept == "Marketing":
            heads[dept] = MANAGER_EMAIL
            continue
        email = f"head.{dept.lower().replace(' ', '-')}@twoway.example"
        heads[dept] = email
        add(
            email,
            catalogue.full_name(rng, d + 100),
            None,
            f"Chief {dept} Officer",
            dept,
            catalogue.LOCATIONS[d % len(catalogue.LOCATIONS)],
            9,
            "ceo@twoway.example",
            {},
            {},
        )

    seniors_by_dept: dict[str, list[str]] = {d: [] for d in catalogue.DEPARTMENTS}
    n_seniors = max(2, participants * 9 // 20)
    groups = len(org.current_cohorts)
    for i in range(participants):
        dept = catalogue.DEPARTMENTS[rng.randrange(len(catalogue.DEPARTMENTS))]
        loc = catalogue.LOCATIONS[rng.randrange(len(catalogue.LOCATIONS))]
        if i < n_seniors:
            email = f"senior{i + 1:05d}@staff.twoway.example"
            teaches = {n: rng.randint(1, 3) for n in rng.sample(forward_names, rng.randint(2, 4))}
            learns = {n: rng.randint(1, 3) for n in rng.sample(reverse_names, rng.randint(2, 3))}
            title = f"{rng.choice(catalogue.SENIOR_TITLES)} {dept}"
            add(
                email,
                catalogue.full_name(rng, i),
                "senior",
                title,
                dept,
                loc,
                rng.randint(7, 9),
                heads[dept],
                teaches,
                learns,
                cap=2 if rng.random() < 0.15 else 1,
                group=i % groups,
            )
            seniors_by_dept[dept].append(email)
        else:
            email = f"junior{i + 1:05d}@staff.twoway.example"
            teaches = {n: rng.randint(1, 3) for n in rng.sample(reverse_names, rng.randint(2, 4))}
            learns = {n: rng.randint(1, 3) for n in rng.sample(forward_names, rng.randint(2, 3))}
            boss = rng.choice(seniors_by_dept[dept]) if seniors_by_dept[dept] else heads[dept]
            add(
                email,
                catalogue.full_name(rng, i),
                "junior",
                rng.choice(catalogue.JUNIOR_TITLES),
                dept,
                loc,
                rng.randint(1, 3),
                boss,
                teaches,
                learns,
                group=i % groups,
            )

    insert(
        User, ["email", "password"], [(email, password) for email in rows], ignore_conflicts=True
    )
    ids = dict(User.objects.filter(email__in=among(list(rows), "text")).values_list("email", "id"))
    org.emails = ids
    insert(
        EmailAddress,
        ["user_id", "email", "verified", "primary"],
        [(ids[e], e, True, True) for e in rows],
        ignore_conflicts=True,
    )
    insert(
        Profile,
        [
            "user_id",
            "full_name",
            "job_title",
            "department",
            "location",
            "timezone",
            "grade",
            "manager_id",
            "hopes",
        ],
        [
            (
                ids[e],
                r["full_name"],
                r["title"],
                r["dept"],
                r["loc"][0],
                r["loc"][1],
                r["grade"],
                ids.get(r["manager"]) if r["manager"] else None,
                r["hopes"],
            )
            for e, r in rows.items()
        ],
        ignore_conflicts=True,
    )
    profile_ids = dict(
        Profile.objects.filter(user_id__in=among(ids.values(), "bigint")).values_list(
            "user_id", "id"
        )
    )
    insert(
        ProfileSkill,
        ["profile_id", "skill_id", "kind", "level"],
        [
            (profile_ids[ids[e]], skills[name].pk, kind, level)
            for e, r in rows.items()
            for kind, table in (("teach", r["teaches"]), ("learn", r["learns"]))
            for name, level in table.items()
        ],
        ignore_conflicts=True,
    )
    now = timezone.now()
    enrol = [
        (org.current_cohorts[r["group"]].pk, ids[e], r["side"], r["cap"], now)
        for e, r in rows.items()
        if r["side"]
    ]
    # About half of today's participants also took part in their group's first cohort.
    enrol += [
        (org.past_cohorts[r["group"]].pk, ids[e], r["side"], 1, now)
        for e, r in rows.items()
        if r["side"] and e not in (JUNIOR_EMAIL, SENIOR_EMAIL) and zlib.crc32(e.encode()) % 2 == 0
    ]
    insert(
        Enrolment,
        ["cohort_id", "user_id", "side", "capacity", "invited_at"],
        enrol,
        ignore_conflicts=True,
    )

    Group.objects.get_or_create(name=HR_ADMIN)[0].user_set.add(ids[HR_EMAIL])
    Group.objects.get_or_create(name=MANAGER)[0].user_set.add(ids[MANAGER_EMAIL])
