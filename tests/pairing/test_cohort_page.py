"""HR's pairing page for a cohort: start runs, compare them, follow published pairs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pairing.models import PairingRun, Rule
from pairing.services import compute_run, lock_proposal, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(db):
    cohort = pairing_cohort(slug="spring")
    junior(cohort, "Asha", teaches={"TikTok": 3, "Figma": 1}, department="Data")
    junior(cohort, "Bea", teaches={"Figma": 3}, department="Sales")
    senior(cohort, "Robert", learns={"TikTok": 3, "Figma": 2}, department="Marketing")
    senior(cohort, "Carl", learns={"Figma": 3}, department="Sales")
    return cohort


def test_hr_starts_a_run_with_its_own_weights_and_lands_on_its_board(
    cast, login, cohort, eager_celery, django_capture_on_commit_callbacks
):
    client = login(cast.hr)
    form = {
        "weight_reverse": 5,
        "weight_forward": 2,
        "weight_forward_bonus": 2,
        "weight_department": 0,
        "weight_location": 1,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pairing:run_start", args=["spring"]), form)
    run = PairingRun.objects.get(cohort=cohort)
    assert response.url == reverse("pairing:board", args=["spring", run.pk])
    assert run.status == "done" and run.created_by == cast.hr
    assert run.weights["reverse"] == 5 and run.weights["department"] == 0
    cohort.refresh_from_db()
    assert cohort.weight_reverse == 3  # the cohort's own weights are untouched


def test_bad_weights_are_refused_with_the_form_and_no_run(cast, login, cohort):
    response = login(cast.hr).post(
        reverse("pairing:run_start", args=["spring"]), {"weight_reverse": "-4"}
    )
    assert response.status_code == 422
    assert not PairingRun.objects.exists()


def test_rerunning_keeps_locked_pairs(cast, cohort):
    run = compute_run(cohort=cohort)
    locked = run.proposals.order_by("score").first()  # the weaker pair, to be sure it holds
    lock_proposal(run=run, proposal_id=locked.pk, version=run.version, by=cast.hr)
    rerun = compute_run(cohort=cohort)
    assert rerun.proposals.get(junior=locked.junior, senior=locked.senior).locked
    assert rerun.rules["locked"] == [[locked.junior_id, locked.senior_id]]
    assert Rule.objects.get(kind="lock").created_by == cast.hr


def test_comparing_two_runs_shows_totals_and_the_pairs_that_differ(cast, login, cohort):
    first = compute_run(cohort=cohort)
    cohort.weight_reverse, cohort.weight_department = 1, 50
    cohort.save()
    second = compute_run(cohort=cohort)
    page = login(cast.hr).get(
        reverse("pairing:compare", args=["spring"]), {"a": first.pk, "b": second.pk}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<td>{first.total_score}</td><td>{second.total_score}</td>" in html
    assert "Weight: department" in html
    assert "Only in run" in html


def test_comparing_runs_counts_the_pairs_locked_in_each_run(cast, login, cohort):
    first = compute_run(cohort=cohort)
    proposal = first.proposals.first()
    lock_proposal(run=first, proposal_id=proposal.pk, version=first.version, by=cast.hr)
    second = compute_run(cohort=cohort)  # computed under the lock: holds it too
    proposal = second.proposals.exclude(locked=True).first()
    lock_proposal(run=second, proposal_id=proposal.pk, version=second.version, by=cast.hr)
    html = (
        login(cast.hr)
        .get(reverse("pairing:compare", args=["spring"]), {"a": first.pk, "b": second.pk})
        .content.decode()
    )
    assert '<th scope="row">Locked pairs</th><td>1</td><td>2</td>' in html


def test_compare_refuses_a_run_of_another_cohort(cast, login, cohort):
    other = pairing_cohort(slug="other")
    theirs = compute_run(cohort=other)
    mine = compute_run(cohort=cohort)
    response = login(cast.hr).get(
        reverse("pairing:compare", args=["spring"]), {"a": mine.pk, "b": theirs.pk}
    )
    assert response.status_code == 404


def test_the_cohort_page_lists_runs_and_published_pairs_for_hr_only(cast, login, cohort):
    run = compute_run(cohort=cohort)
    pair_publish(run=run, by=cast.hr)
    client = login(cast.hr)
    html = client.get(reverse("pairing:cohort", args=["spring"])).content.decode()
    run.refresh_from_db()
    assert f"Run {run.number}" in html and "Published pairs (2)" in html
    client.logout()
    assert login(cast.junior).get(reverse("pairing:cohort", args=["spring"])).status_code == 403


def test_the_cohort_page_queries_stay_bounded(cast, login, cohort, django_assert_max_num_queries):
    client = login(cast.hr)
    run = compute_run(cohort=cohort)
    pair_publish(run=run, by=cast.hr)
    with django_assert_max_num_queries(20):
        small = client.get(reverse("pairing:cohort", args=["spring"]))
    for i in range(30):
        junior(cohort, f"Late {i}", teaches={"TikTok": 1})
        compute_run(cohort=cohort)
    with django_assert_max_num_queries(20):
        big = client.get(reverse("pairing:cohort", args=["spring"]))
    assert small.status_code == big.status_code == 200


def test_hr_sees_who_set_each_lock_and_exclude_and_can_remove_one(cast, login, cohort):
    run = compute_run(cohort=cohort)
    proposal = run.proposals.first()
    lock_proposal(run=run, proposal_id=proposal.pk, version=run.version, by=cast.hr)
    client = login(cast.hr)
    html = client.get(reverse("pairing:cohort", args=["spring"])).content.decode()
    assert "Locks and excludes (1)" in html and "Harriet HR" in html
    rule = Rule.objects.get()
    client.post(reverse("pairing:rule_remove", args=[rule.pk]))
    assert not Rule.objects.exists()
    assert not compute_run(cohort=cohort).rules["locked"]


def test_comparing_runs_takes_the_same_queries_at_any_size(
    cast, login, cohort, django_assert_max_num_queries
):
    client = login(cast.hr)

    def compare_two() -> None:
        first, second = compute_run(cohort=cohort), compute_run(cohort=cohort)
        with django_assert_max_num_queries(20):
            response = client.get(
                reverse("pairing:compare", args=["spring"]), {"a": first.pk, "b": second.pk}
            )
        assert response.status_code == 200

    compare_two()
    for i in range(25):
        junior(cohort, f"Late junior {i}", teaches={"TikTok": 1 + i % 3})
        senior(cohort, f"Late senior {i}", learns={"TikTok": 1 + i % 2})
    compare_two()
