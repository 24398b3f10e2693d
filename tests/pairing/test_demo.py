"""seed_demo pairs both demo cohorts with the engine and keeps the demo logins together."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from mentoring.demo import CURRENT_COHORT_SLUG, PAST_COHORT_SLUG
from mentoring.models import Cohort, Enrolment, OutboxMessage
from mentoring.privacy.models import PastPairHash
from pairing.models import Pair, PairingRun, Rule

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_cohorts_are_paired_by_the_engine_and_published_quietly():
    call_command("seed_demo", participants=40, verbosity=0)
    current = Pair.objects.filter(cohort__slug=CURRENT_COHORT_SLUG, status="active")
    demo = current.get(junior__user__email="junior@twoway.example")
    assert demo.senior.user.email == "senior@twoway.example"
    assert demo.explanation["reverse_flows"]  # explained like any other pair
    assert Rule.objects.get(kind="lock").junior == demo.junior
    assert current.count() >= 10
    run = PairingRun.objects.get(cohort__slug=CURRENT_COHORT_SLUG)
    assert run.published_at and current.filter(run=run).count() == current.count()
    # Nobody is paired twice beyond their capacity.
    for enrolment in Enrolment.objects.filter(cohort__slug=CURRENT_COHORT_SLUG):
        used = current.filter(junior=enrolment).count() + current.filter(senior=enrolment).count()
        assert used <= enrolment.capacity
    past = Pair.objects.filter(cohort__slug=PAST_COHORT_SLUG)
    assert past.exists() and not past.filter(status="active").exists()
    assert not OutboxMessage.objects.filter(kind="pairs_published").exists()


@override_settings(DEBUG=True)
def test_seeding_again_pairs_nothing_new():
    call_command("seed_demo", participants=20, verbosity=0)
    pairs, runs = Pair.objects.count(), PairingRun.objects.count()
    call_command("seed_demo", participants=20, verbosity=0)
    assert (Pair.objects.count(), PairingRun.objects.count()) == (pairs, runs)


@override_settings(DEBUG=True)
def test_the_past_cohort_is_closed_after_its_pairs_and_keeps_them_as_never_again():
    call_command("seed_demo", participants=20, verbosity=0)
    past = Cohort.objects.get(slug=PAST_COHORT_SLUG)
    assert past.status == Cohort.Status.CLOSED and past.closed_at
    pairs = Pair.objects.filter(cohort=past)
    assert pairs.exists()
    # Closing remembered every pair, so the two are never proposed together again.
    assert PastPairHash.objects.count() >= pairs.count()


@override_settings(DEBUG=True)
def test_a_past_cohort_left_closed_without_pairs_is_paired_and_closed_again():
    # What an earlier seed_demo left behind: it made the past cohort closed, then failed to pair it.
    call_command("seed_demo", participants=20, verbosity=0)
    Pair.objects.all().delete()
    PairingRun.objects.all().delete()
    PastPairHash.objects.all().delete()
    call_command("seed_demo", participants=20, verbosity=0)
    past = Cohort.objects.get(slug=PAST_COHORT_SLUG)
    assert past.status == Cohort.Status.CLOSED
    assert Pair.objects.filter(cohort=past, status="ended").exists()
