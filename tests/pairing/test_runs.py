"""Pairing runs: people and rules go into the engine, proposals come out stored and explained."""

from __future__ import annotations

import pytest

from mentoring.models import Enrolment
from pairing.models import Pair, PairingRun, Proposal, Rule
from pairing.services import PairingRefused, compute_run, start_run
from tests import factories
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(db):
    return pairing_cohort(slug="spring")


def test_a_run_pairs_skills_that_flow_and_explains_them_by_name(cohort):
    asha = junior(
        cohort, "Asha Okafor", teaches={"TikTok": 3}, learns={"Negotiation": 2}, department="Data"
    )
    robert = senior(
        cohort,
        "Robert Lindqvist",
        teaches={"Negotiation": 2},
        learns={"TikTok": 3},
        department="Marketing",
    )
    run = compute_run(cohort=cohort)
    assert run.status == PairingRun.Status.DONE
    proposal = Proposal.objects.get(run=run)
    assert (proposal.junior_id, proposal.senior_id) == (asha.pk, robert.pk)
    assert proposal.reverse == 9 and proposal.forward == 4
    assert proposal.score == 3 * 9 + 2 * 4 + 2 + 1  # departments differ, locations unknown
    assert proposal.reverse_flows == [
        {
            "skill_id": proposal.reverse_flows[0]["skill_id"],
            "skill": "TikTok",
            "teach": 3,
            "learn": 3,
            "points": 9,
        }
    ]
    assert proposal.forward_flows[0]["skill"] == "Negotiation"
    assert dict(proposal.breakdown)["reverse"] == 27
    assert run.total_score == proposal.score and run.pairs_count == 1
    assert run.duration_seconds is not None and run.progress == 1.0


def test_a_run_never_pairs_someone_with_a_person_in_their_reporting_line(cohort):
    boss = factories.UserFactory(profile__full_name="Big Boss")
    middle = factories.UserFactory(profile__full_name="Middle Manager", profile__manager=boss)
    senior(cohort, "Big Boss", user=boss, learns={"TikTok": 3})
    junior(cohort, "Asha", teaches={"TikTok": 3}, manager=middle)
    run = compute_run(cohort=cohort)
    assert run.pairs_count == 0
    assert not Proposal.objects.filter(run=run).exists()


def test_manager_chains_survive_a_loop_in_the_reporting_data(cohort):
    first = factories.UserFactory(profile__full_name="First")
    second = factories.UserFactory(profile__full_name="Second", profile__manager=first)
    first.profile.manager = second
    first.profile.save()
    junior(cohort, "First", user=first, teaches={"TikTok": 3})
    senior(cohort, "Other", learns={"TikTok": 3})
    run = compute_run(cohort=cohort)
    assert run.status == PairingRun.Status.DONE and run.pairs_count == 1


def test_withdrawn_people_are_left_out(cohort):
    junior(cohort, "Asha", teaches={"TikTok": 3})
    gone = senior(cohort, "Gone", learns={"TikTok": 3})
    gone.status = Enrolment.Status.WITHDRAWN
    gone.save()
    run = compute_run(cohort=cohort)
    assert run.pairs_count == 0 and run.seniors_count == 0


def test_previous_partners_in_the_same_programme_are_not_paired_again(cohort):
    earlier = factories.CohortFactory(programme=cohort.programme, status="closed")
    asha = junior(cohort, "Asha", teaches={"TikTok": 3})
    robert = senior(cohort, "Robert", learns={"TikTok": 3})
    factories.PairFactory(
        cohort=earlier,
        junior=factories.EnrolmentFactory(cohort=earlier, user=robert.user, side="junior"),
        senior=factories.EnrolmentFactory(cohort=earlier, user=asha.user, side="senior"),
    )
    assert compute_run(cohort=cohort).pairs_count == 0
    cohort.avoid_previous_partners = False
    cohort.save()
    assert compute_run(cohort=cohort).pairs_count == 1


def test_a_run_snapshots_weights_rules_and_locks(cohort):
    asha = junior(cohort, "Asha", teaches={"TikTok": 3})
    robert = senior(cohort, "Robert", learns={"TikTok": 3})
    Rule.objects.create(cohort=cohort, junior=asha, senior=robert, kind=Rule.Kind.LOCK)
    cohort.weight_reverse = 5
    cohort.min_grade_gap = 2
    cohort.save()
    run = compute_run(cohort=cohort)
    assert run.weights["reverse"] == 5
    assert run.rules["min_grade_gap"] == 2
    assert run.rules["locked"] == [[asha.pk, robert.pk]]
    assert Proposal.objects.get(run=run).locked


def test_starting_a_run_queues_the_task_after_commit_and_the_task_fills_it(
    cohort, eager_celery, django_capture_on_commit_callbacks
):
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    hr = factories.hr_admin()
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(cohort=cohort, by=hr)
        assert run.status == PairingRun.Status.QUEUED
    run.refresh_from_db()
    assert run.status == PairingRun.Status.DONE
    assert run.created_by == hr and run.pairs_count == 1


def test_a_closed_cohort_cannot_be_paired(cohort):
    cohort.status = "closed"
    cohort.save()
    with pytest.raises(PairingRefused):
        start_run(cohort=cohort, by=None)


def test_a_run_that_breaks_is_marked_failed_with_the_reason(cohort, monkeypatch):
    from pairing import engine

    junior(cohort, "Asha", teaches={"TikTok": 3})

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(engine, "solve", broken)
    run = compute_run(cohort=cohort)
    assert run.status == PairingRun.Status.FAILED
    assert "solver exploded" in run.error
    assert not Pair.objects.exists()


def test_a_run_is_computed_once_even_if_the_task_comes_twice(cohort):
    from pairing.services import execute_run

    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    run = compute_run(cohort=cohort)
    execute_run(run=run)
    assert Proposal.objects.filter(run=run).count() == 1


def test_a_run_left_running_by_a_dead_worker_is_taken_over_when_stale(cohort):
    from datetime import timedelta

    from django.utils import timezone

    from pairing.services import execute_run

    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    fresh = PairingRun.objects.create(cohort=cohort, status="running", started_at=timezone.now())
    assert execute_run(run=fresh).status == "running"  # somebody is on it
    stale = PairingRun.objects.create(
        cohort=cohort, status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    assert execute_run(run=stale).status == "done"
    assert stale.proposals.count() == 1
