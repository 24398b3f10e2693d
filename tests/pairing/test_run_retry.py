"""HR sees a failed run with a Retry button, and retrying is safe to click twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pairing.models import PairingRun
from pairing.services.runs import WORKER_DIED
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(db):
    cohort = pairing_cohort(slug="spring")
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    return cohort


@pytest.fixture
def failed_run(cohort):
    return PairingRun.objects.create(
        cohort=cohort, status="failed", attempts=1, error=WORKER_DIED, weights={"reverse": 3}
    )


def test_the_pairing_page_and_the_board_offer_a_retry_for_a_failed_run(
    cast, login, cohort, failed_run
):
    client = login(cast.hr)
    retry_url = reverse("pairing:run_retry", args=["spring", failed_run.pk])
    page = client.get(reverse("pairing:cohort", args=["spring"])).content.decode()
    assert f'action="{retry_url}"' in page
    board = client.get(reverse("pairing:board", args=["spring", failed_run.pk])).content.decode()
    assert "stopped answering" in board and f'action="{retry_url}"' in board


def test_a_done_run_offers_no_retry(cast, login, cohort):
    run = PairingRun.objects.create(cohort=cohort, status="done")
    page = login(cast.hr).get(reverse("pairing:cohort", args=["spring"])).content.decode()
    assert reverse("pairing:run_retry", args=["spring", run.pk]) not in page


def test_retrying_twice_computes_the_run_once(
    cast, login, cohort, failed_run, eager_celery, django_capture_on_commit_callbacks
):
    client = login(cast.hr)
    url = reverse("pairing:run_retry", args=["spring", failed_run.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(url)
        second = client.post(url)
    assert first.url == reverse("pairing:board", args=["spring", failed_run.pk])
    assert second.status_code == 302
    assert len(callbacks) == 1
    failed_run.refresh_from_db()
    assert failed_run.status == "done" and failed_run.attempts == 2
    assert failed_run.proposals.count() == 1


def test_retry_is_for_hr_only_and_by_post_only(cast, login, client, cohort, failed_run):
    url = reverse("pairing:run_retry", args=["spring", failed_run.pk])
    assert login(cast.hr).get(url).status_code == 405
    for someone in (cast.manager, cast.junior):
        client.logout()
        assert login(someone).post(url).status_code == 403
    failed_run.refresh_from_db()
    assert failed_run.status == "failed"


def test_retrying_a_run_of_another_cohort_is_not_found(cast, login, failed_run):
    pairing_cohort(slug="winter")
    url = reverse("pairing:run_retry", args=["winter", failed_run.pk])
    assert login(cast.hr).post(url).status_code == 404


def test_a_cohort_too_big_for_the_engine_is_refused_on_the_page_with_the_reason(
    cast, login, cohort, settings
):
    settings.PAIRING_MAX_CELLS = 0
    client = login(cast.hr)
    form = {
        "weight_reverse": 3,
        "weight_forward": 2,
        "weight_forward_bonus": 2,
        "weight_department": 1,
        "weight_location": 1,
    }
    response = client.post(reverse("pairing:run_start", args=["spring"]), form, follow=True)
    assert "too big to pair on this server" in response.content.decode()
    assert not PairingRun.objects.exists()
