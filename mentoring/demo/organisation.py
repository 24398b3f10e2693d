"""The demo's programme and cohorts, and what later seeding steps (pairs, sessions) build on.

An organisation of a few thousand runs one cohort at a time. A larger one runs several side by
side, as a real one would (and as the pairing engine needs: each cohort is paired on its own,
within TWOWAY_PAIRING_MAX_CELLS): from COHORT_PEOPLE participants up, the people are spread
over that many groups, each with its current cohort and the past one it ran before. The first
group keeps the demo's own cohorts and logins, so a demo of up to COHORT_PEOPLE participants is
what it has always been."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from mentoring.demo import catalogue
from mentoring.demo.names import CURRENT_COHORT_SLUG, DEMO_PLAN, PAST_COHORT_SLUG, PROGRAMME_SLUG
from mentoring.demo.people import seed_people
from mentoring.demo.upcoming import seed_upcoming
from mentoring.models import Cohort, Programme
from mentoring.services import plan_files

# Participants per cohort, at most: about 2,250 seniors and 2,750 juniors, which the engine
# pairs in a second or two (7 M cells, well within the 25 M of TWOWAY_PAIRING_MAX_CELLS).
COHORT_PEOPLE = 5_000


@dataclass
class DemoOrganisation:
    """What later seeding steps (pairs, sessions) build on. Each group of people has its
    current cohort and its past one, at the same index; the first group's are the demo's."""

    programme: Programme
    current_cohorts: list[Cohort]
    past_cohorts: list[Cohort]
    months: int
    rng: random.Random
    emails: dict[str, int] = field(default_factory=dict)

    @property
    def current(self) -> Cohort:
        return self.current_cohorts[0]

    @property
    def past(self) -> Cohort:
        return self.past_cohorts[0]


def groups_for(participants: int) -> int:
    return max(1, -(-participants // COHORT_PEOPLE))


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
    org = DemoOrganisation(
        programme=programme, current_cohorts=[], past_cohorts=[], months=months, rng=rng
    )
    for group in range(groups_for(participants)):
        org.past_cohorts.append(_past_cohort(programme, months, today, group))
        org.current_cohorts.append(_current_cohort(programme, months, today, group))
    skills = catalogue.demo_skills()
    seed_people(org, skills, participants, today)
    seed_upcoming(org, skills, participants, today)
    return org


def _named(slug: str, name: str, group: int) -> tuple[str, str]:
    """The first group's cohort keeps the demo's own slug and name; the others are numbered."""
    return (slug, name) if group == 0 else (f"{slug}-{group + 1}", f"{name} (group {group + 1})")


def _past_cohort(programme: Programme, months: int, today: date, group: int) -> Cohort:
    slug, name = _named(PAST_COHORT_SLUG, "Spring 2026", group)
    cohort, _ = Cohort.objects.get_or_create(
        slug=slug,
        defaults={
            "programme": programme,
            "name": name,
            "starts_on": today - timedelta(days=30 * (months + 7)),
            "ends_on": today - timedelta(days=30 * (months + 1)),
            # Active until its pairs are built: pairing/demo.py closes it, as HR would, once
            # it has pairs (a closed cohort's pairs can no longer change).
            "status": Cohort.Status.ACTIVE,
            "description": "Our first cohort.",
        },
    )
    return cohort


def _current_cohort(programme: Programme, months: int, today: date, group: int) -> Cohort:
    slug, name = _named(CURRENT_COHORT_SLUG, "Autumn 2026", group)
    cohort, _ = Cohort.objects.get_or_create(
        slug=slug,
        defaults={
            "programme": programme,
            "name": name,
            "starts_on": today - timedelta(days=30 * months),
            "ends_on": today + timedelta(days=30 * max(1, 6 - months)),
            "status": Cohort.Status.ACTIVE,
            "description": "Six months, meeting every two weeks.",
        },
    )
    return cohort
