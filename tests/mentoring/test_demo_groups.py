"""A large demo runs several cohorts side by side, as a real organisation of tens of thousands
would (and as the engine needs: each cohort is paired on its own, within its size limit); a
demo of up to COHORT_PEOPLE participants keeps its one current and one past cohort."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from mentoring.demo import CURRENT_COHORT_SLUG, PAST_COHORT_SLUG, organisation
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair
from sessions_log.models import SessionLog

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_a_demo_larger_than_one_cohort_is_spread_over_groups_each_paired_on_its_own(
    monkeypatch,
):
    monkeypatch.setattr(organisation, "COHORT_PEOPLE", 20)
    call_command("seed_demo", participants=50, verbosity=0)
    current = Cohort.objects.filter(slug__startswith=CURRENT_COHORT_SLUG).order_by("slug")
    past = Cohort.objects.filter(slug__startswith=PAST_COHORT_SLUG).order_by("slug")
    assert [c.slug for c in current] == ["autumn-2026", "autumn-2026-2", "autumn-2026-3"]
    assert [c.name for c in past][1:] == ["Spring 2026 (group 2)", "Spring 2026 (group 3)"]
    # The 50 staff, and the demo junior and senior beside them.
    assert Enrolment.objects.filter(cohort__in=current).count() == 52
    for cohort in current:
        pairs = Pair.objects.filter(cohort=cohort, status="active", published_at__isnull=False)
        assert pairs.count() >= 3, cohort  # every group is paired and published
        # Nobody is paired outside their own cohort.
        assert not pairs.exclude(junior__cohort=cohort).exists()
        assert SessionLog.objects.filter(pair__cohort=cohort).exists()
    for cohort in past:
        assert cohort.status == Cohort.Status.CLOSED
        assert Pair.objects.filter(cohort=cohort, status="ended").exists()
    demo = Pair.objects.get(junior__user__email="junior@twoway.example", status="active")
    assert demo.cohort.slug == CURRENT_COHORT_SLUG
    assert demo.senior.user.email == "senior@twoway.example"

    counts = (Enrolment.objects.count(), Pair.objects.count(), SessionLog.objects.count())
    call_command("seed_demo", participants=50, verbosity=0)
    assert (Enrolment.objects.count(), Pair.objects.count(), SessionLog.objects.count()) == counts


def test_a_demo_of_one_cohort_or_less_has_one_group():
    assert organisation.groups_for(2) == organisation.groups_for(5_000) == 1
    assert organisation.groups_for(5_001) == 2
    assert organisation.groups_for(50_000) == 10
