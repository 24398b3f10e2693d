"""Demo pairs for `seed_demo`: the demo junior and senior are a published pair."""

from __future__ import annotations

from django.utils import timezone

from mentoring.demo import JUNIOR_EMAIL, SENIOR_EMAIL, DemoOrganisation
from mentoring.models import Enrolment
from pairing.models import Pair


def seed_pairs(org: DemoOrganisation) -> None:
    junior = Enrolment.objects.get(cohort=org.current, user__email=JUNIOR_EMAIL)
    senior = Enrolment.objects.get(cohort=org.current, user__email=SENIOR_EMAIL)
    Pair.objects.get_or_create(
        cohort=org.current, junior=junior, senior=senior, status=Pair.Status.ACTIVE,
        defaults={"published_at": timezone.now()},
    )
