"""seed_demo's programme follows a shipped plan, with pairs at different steps."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from mentoring.demo import PROGRAMME_SLUG
from mentoring.models import Programme
from pairing.models import Pair
from sessions_log.plan import pair_plan
from sessions_log.plan_models import PairStepProgress

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_programme_has_the_digital_plan_and_pairs_at_different_steps():
    call_command("seed_demo", participants=40, verbosity=0)
    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    assert programme.plan_steps.count() == 9
    assert programme.plan_steps.first().title.startswith("Kick-off")
    active = Pair.objects.filter(
        status="active", cohort__status="active", published_at__isnull=False
    ).select_related("cohort__programme", "junior__user", "senior__user")
    plans = [pair_plan(pair) for pair in active]
    positions = {plan.next_step.number if plan.next_step else plan.total + 1 for plan in plans}
    assert len(positions) >= 3
    statuses = {plan.status for plan in plans}
    assert "on_track" in statuses and "behind" in statuses
    assert PairStepProgress.objects.filter(state="skipped").exists()
    ticked = PairStepProgress.objects.count()
    call_command("seed_demo", participants=40, verbosity=0)
    assert PairStepProgress.objects.count() == ticked
    assert programme.plan_steps.count() == 9
