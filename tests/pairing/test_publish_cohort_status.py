"""Publishing moves the cohort through the core's cohort service, with the service's checks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pairing.models import Pair
from pairing.services import PublishRefused, compute_run, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def run(db):
    cohort = pairing_cohort(slug="spring", status="enrolling")
    junior(cohort, "Asha Okafor", teaches={"TikTok": 3})
    senior(cohort, "Robert Lindqvist", learns={"TikTok": 3})
    return compute_run(cohort=cohort)


def test_publishing_a_cohort_still_enrolling_makes_it_active(cast, run):
    pair_publish(run=run, by=cast.hr)

    run.cohort.refresh_from_db()
    assert run.cohort.status == "active"


def test_publishing_in_an_archived_cohort_is_refused_and_creates_no_pair(cast, run):
    run.cohort.archived_at = timezone.now()
    run.cohort.save(update_fields=["archived_at"])

    with pytest.raises(PublishRefused, match="archived"):
        pair_publish(run=run, by=cast.hr)

    assert not Pair.objects.filter(cohort=run.cohort).exists()
    run.cohort.refresh_from_db()
    assert run.cohort.status == "enrolling"
