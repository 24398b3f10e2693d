"""Pairing runs: people and rules go into the engine, proposals come out stored and explained."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.models import Enrolment
from pairing.models import Pair, PairingRun, Proposal, Rule
from pairing.services import PairingRefused, compute_run, fail_dead_runs, retry_run, start_run
from pairing.services.runs import WORKER_DIED
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


def test_partners_of_an_earlier_cohort_are_never_paired_again(cohort):
    earlier = factories.CohortFactory(programme=cohort.programme, status="closed")
    asha = junior(cohort, "Asha", teaches={"TikTok": 3})
    robert = senior(cohort, "Robert", learns={"TikTok": 3})
    factories.PairFactory(
        cohort=earlier,
        junior=factories.EnrolmentFactory(cohort=earlier, user=robert.user, side="junior"),
        senior=factories.EnrolmentFactory(cohort=earlier, user=asha.user, side="senior"),
    )
    assert compute_run(cohort=cohort).pairs_count == 0


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


def test_a_redelivered_task_leaves_a_live_run_to_its_worker(cohort):
    from pairing.services import execute_run

    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    now = timezone.now()
    live = PairingRun.objects.create(
        cohort=cohort, status="running", started_at=now, heartbeat_at=now, attempts=1
    )
    assert execute_run(run=live).status == "running"
    assert not live.proposals.exists()


def test_a_run_whose_worker_went_silent_is_marked_failed_and_a_live_one_is_not(cohort, settings):
    settings.PAIRING_DEAD_AFTER_SECONDS = 300
    now = timezone.now()
    dead = PairingRun.objects.create(
        cohort=cohort,
        status="running",
        started_at=now - timedelta(minutes=20),
        heartbeat_at=now - timedelta(minutes=6),
        attempts=1,
    )
    alive = PairingRun.objects.create(
        cohort=cohort,
        status="running",
        started_at=now - timedelta(minutes=20),
        heartbeat_at=now - timedelta(seconds=20),
        attempts=1,
    )
    assert fail_dead_runs(now=now) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed" and "stopped answering" in dead.error
    assert alive.status == "running"


def test_a_run_no_worker_ever_took_up_is_marked_failed_after_the_queue_timeout(cohort, settings):
    settings.PAIRING_QUEUED_TIMEOUT_SECONDS = 3600
    now = timezone.now()
    forgotten = PairingRun.objects.create(cohort=cohort, queued_at=now - timedelta(hours=2))
    waiting = PairingRun.objects.create(cohort=cohort, queued_at=now - timedelta(minutes=5))
    fail_dead_runs(now=now)
    forgotten.refresh_from_db()
    waiting.refresh_from_db()
    assert forgotten.status == "failed" and "No pairing worker" in forgotten.error
    assert waiting.status == "queued"


def test_the_beat_task_that_fails_dead_runs_is_scheduled_on_the_default_queue(settings):
    from mentoring.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["fail-dead-pairing-runs"]
    assert entry["task"] == "pairing.tasks.fail_dead_runs"
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "celery"


def test_pairing_runs_go_to_their_own_queue_and_reminders_stay_on_the_default_one():
    from mentoring.celery import app

    router = app.amqp.router
    assert router.route({}, "pairing.tasks.run_pairing")["queue"].name == "pairing"
    assert router.route({}, "mentoring.outbox.tasks.send_due_messages")["queue"].name == "celery"


def test_a_failed_run_retried_twice_is_queued_once_and_then_computed(
    cohort, eager_celery, django_capture_on_commit_callbacks
):
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    run = PairingRun.objects.create(
        cohort=cohort, status="failed", attempts=1, error=WORKER_DIED, weights={"reverse": 3}
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert retry_run(run=run) is True
        assert retry_run(run=run) is False
    assert len(queued) == 1
    assert run.status == "queued" and run.error == ""
    queued[0]()
    run.refresh_from_db()
    assert run.status == "done" and run.pairs_count == 1 and run.attempts == 2


def test_a_run_that_runs_out_of_memory_is_failed_with_a_clear_message(cohort, monkeypatch):
    from pairing import engine

    junior(cohort, "Asha", teaches={"TikTok": 3})

    def too_big(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(engine, "solve", too_big)
    run = compute_run(cohort=cohort)
    assert run.status == "failed"
    assert "ran out of memory" in run.error
    assert run.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_running_run_beats_while_the_engine_works(settings, monkeypatch):
    """The heartbeat comes from a thread of its own, so a long solve still shows signs of life."""
    import threading

    from pairing import engine
    from pairing.services import runs

    settings.PAIRING_HEARTBEAT_SECONDS = 0.01
    cohort = pairing_cohort(slug="beating")
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    beaten = threading.Event()
    real_beat, real_solve = runs._beat, engine.solve

    def beat(run_pk: int, attempt: int) -> None:
        real_beat(run_pk, attempt)
        beaten.set()

    def slow_solve(*args, **kwargs):
        assert beaten.wait(timeout=10), "no heartbeat while the engine worked"
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(runs, "_beat", beat)
    monkeypatch.setattr(engine, "solve", slow_solve)
    run = compute_run(cohort=cohort)
    assert run.status == "done"
    assert run.heartbeat_at > run.started_at


def test_a_cohort_too_big_for_the_engine_is_refused_before_anything_is_solved(
    cohort, settings, monkeypatch
):
    from pairing import engine

    settings.PAIRING_MAX_CELLS = 3
    junior(cohort, "Asha", teaches={"TikTok": 3}, capacity=2)
    junior(cohort, "Bea", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    senior(cohort, "Sam", learns={"TikTok": 3})
    monkeypatch.setattr(engine, "solve", lambda *a, **k: pytest.fail("the engine was called"))
    with pytest.raises(PairingRefused, match=r"3 junior places × 2 senior places is 6"):
        start_run(cohort=cohort, by=None)
    with pytest.raises(PairingRefused, match="TWOWAY_PAIRING_MAX_CELLS"):
        compute_run(cohort=cohort)
    assert not PairingRun.objects.exists()
    settings.PAIRING_MAX_CELLS = 6
    assert start_run(cohort=cohort, by=None).status == "queued"


def test_pair_cohort_refuses_a_cohort_too_big_for_the_engine_and_exits_1(cohort, settings):
    from django.core.management import CommandError, call_command

    settings.PAIRING_MAX_CELLS = 1
    junior(cohort, "Asha", teaches={"TikTok": 3})
    junior(cohort, "Bea", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    with pytest.raises(CommandError, match="too big to pair on this server") as refused:
        call_command("pair_cohort", "spring", "--json")
    assert refused.value.returncode == 1
    assert not PairingRun.objects.exists()
