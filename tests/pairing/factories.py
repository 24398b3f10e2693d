"""Builders for pairing tests: people with skills in a cohort, in a line each."""

from __future__ import annotations

from accounts.models import ProfileSkill
from mentoring.models import Cohort, Enrolment
from tests import factories


def enrol(
    cohort: Cohort,
    side: str,
    name: str,
    *,
    teaches: dict[str, int] | None = None,
    learns: dict[str, int] | None = None,
    department: str = "",
    location: str = "",
    capacity: int = 1,
    manager=None,
    grade: int | None = None,
    timezone: str = "Europe/London",
    email: str | None = None,
    user=None,
) -> Enrolment:
    """Enrol a person (new unless ``user`` is given) with skills to teach and learn."""
    if user is None:
        slug = name.lower().replace(" ", ".")
        user = factories.UserFactory(
            email=email or f"{slug}@example.com",
            profile__full_name=name,
            profile__department=department,
            profile__location=location,
            profile__manager=manager,
            profile__grade=grade,
            profile__timezone=timezone,
        )
    profile = user.profile
    for kind, table in ((ProfileSkill.Kind.TEACH, teaches), (ProfileSkill.Kind.LEARN, learns)):
        for skill_name, level in (table or {}).items():
            ProfileSkill.objects.get_or_create(
                profile=profile,
                skill=factories.SkillFactory(name=skill_name),
                kind=kind,
                defaults={"level": level},
            )
    return Enrolment.objects.create(cohort=cohort, user=user, side=side, capacity=capacity)


def junior(cohort: Cohort, name: str, **kwargs) -> Enrolment:
    return enrol(cohort, Enrolment.Side.JUNIOR, name, **kwargs)


def senior(cohort: Cohort, name: str, **kwargs) -> Enrolment:
    return enrol(cohort, Enrolment.Side.SENIOR, name, **kwargs)


def pairing_cohort(**kwargs) -> Cohort:
    kwargs.setdefault("status", Cohort.Status.PAIRING)
    return factories.CohortFactory(**kwargs)
