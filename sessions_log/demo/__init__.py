"""Demo sessions for `seed_demo`: months of meetings and session logs in both directions, shared
summaries and private notes, goals, fit checks, pulses, impact surveys and pending reminders.

Works on whatever active published pairs the demo cohorts have (pairs.py). A pair that already
has an agreement acceptance is left alone, so a second run adds nothing. Each pair's history is
drawn as plain rows (history.py) and written in bulk (store.py)."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from mentoring.demo import JUNIOR_EMAIL, SENIOR_EMAIL, DemoOrganisation
from mentoring.models import Cohort
from sessions_log import services
from sessions_log.demo.history import pair_histories
from sessions_log.demo.impact import seed_impact
from sessions_log.demo.pairs import pairs_to_seed
from sessions_log.demo.store import store

__all__ = ["seed_sessions"]


def seed_sessions(org: DemoOrganisation, *, seed: int = 2026) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(
            pk__in=[c.pk for c in (*org.current_cohorts, *org.past_cohorts)],
            status=Cohort.Status.ACTIVE,
        )
    )
    with transaction.atomic():
        pairs = pairs_to_seed(cohorts, now)
        demo_ids = {org.emails.get(e) for e in (JUNIOR_EMAIL, SENIOR_EMAIL)}
        store(pair_histories(pairs, demo_ids, rng, now, today), pairs, rng, now)
        seed_impact(org, rng)
    with transaction.atomic():
        services.schedule_surveys_due(now=now)
