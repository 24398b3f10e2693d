"""The demo's next cohort, mid-enrolment: newcomers imported from HR's file, some invited and
not yet signed in, some not invited, and profiles at every stage of completion."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Profile, ProfileSkill, Skill, User
from mentoring.demo import catalogue
from mentoring.demo.bulk import insert
from mentoring.demo.names import DEMO_PASSWORD, UPCOMING_COHORT_SLUG
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment

if TYPE_CHECKING:
    from mentoring.demo.organisation import DemoOrganisation


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


def seed_upcoming(
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
    reverse_names = [n for names in catalogue.REVERSE_SKILLS.values() for n in names]
    forward_names = [n for names in catalogue.FORWARD_SKILLS.values() for n in names]
    count = max(4, participants // 10)
    unusable = make_password(None)  # imported: they choose a password from the invitation
    people: list[_Newcomer] = []
    for i in range(count):
        side = "senior" if i % 2 else "junior"
        email = f"newcomer{i + 1:05d}@staff.twoway.example"
        dept = catalogue.DEPARTMENTS[rng.randrange(len(catalogue.DEPARTMENTS))]
        loc = catalogue.LOCATIONS[rng.randrange(len(catalogue.LOCATIONS))]
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
                    rng.choice(catalogue.JUNIOR_TITLES)
                    if side == "junior"
                    else f"{rng.choice(catalogue.SENIOR_TITLES)} {dept}"
                ),
                full_name=catalogue.full_name(rng, i + 500),
                teaches={n: rng.randint(1, 3) for n in rng.sample(teach_from, 2)}
                if stage >= 2
                else {},
                learns={n: rng.randint(1, 3) for n in rng.sample(learn_from, 2)}
                if stage >= 2
                else {},
                hopes=catalogue.hopes(rng, side) if stage == 3 else "",
            )
        )
    accepted = make_password(DEMO_PASSWORD)
    now = timezone.now()
    insert(
        User,
        ["email", "password", "last_login"],
        [
            (p.email, accepted if p.stage == 3 else unusable, now if p.stage == 3 else None)
            for p in people
        ],
        ignore_conflicts=True,
    )
    ids = dict(
        User.objects.filter(email__in=among([p.email for p in people], "text")).values_list(
            "email", "id"
        )
    )
    insert(
        EmailAddress,
        ["user_id", "email", "verified", "primary"],
        [(ids[p.email], p.email, True, True) for p in people if p.stage == 3],
        ignore_conflicts=True,
    )
    insert(
        Profile,
        ["user_id", "full_name", "job_title", "department", "location", "timezone", "hopes"],
        [(ids[p.email], p.full_name, p.title, p.dept, p.loc[0], p.loc[1], p.hopes) for p in people],
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
            (profile_ids[ids[p.email]], skills[name].pk, kind, level)
            for p in people
            for kind, table in (("teach", p.teaches), ("learn", p.learns))
            for name, level in table.items()
        ],
        ignore_conflicts=True,
    )
    invited = now - timedelta(days=3)
    insert(
        Enrolment,
        ["cohort_id", "user_id", "side", "invited_at", "invitations_sent"],
        [
            (cohort.pk, ids[p.email], p.side, invited if p.stage else None, 1 if p.stage else 0)
            for p in people
        ],
        ignore_conflicts=True,
    )
