"""Each pair's plan summary always says what its progress rows say (steps done, steps skipped,
an order of its own), whatever the pair ticked, skipped, put back or moved, and after the
rebuild that follows bulk writes."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from mentoring.models import PlanStep
from sessions_log.plan_models import PairStepProgress
from sessions_log.rollups import PairPlanSummary
from sessions_log.rollups.plan import step_ids
from sessions_log.services.plan import move_step, set_step_state
from tests import factories

pytestmark = pytest.mark.django_db


def _direct() -> dict:
    """Per pair with progress rows: (done ids, skipped ids, own order), from the rows."""
    found: dict = {}
    for pair_id, step_id, state, position in PairStepProgress.objects.values_list(
        "pair_id", "step_id", "state", "position"
    ):
        done, skipped, own = found.setdefault(pair_id, (set(), set(), [False]))
        (done if state == "done" else skipped if state == "skipped" else set()).add(step_id)
        own[0] = own[0] or position is not None
    return {pair: (done, skipped, own[0]) for pair, (done, skipped, own) in found.items()}


def _summarised() -> dict:
    return {
        row.pair_id: (step_ids(row.done), step_ids(row.skipped), row.own_order)
        for row in PairPlanSummary.objects.all()
    }


@pytest.mark.parametrize("seed", range(4))
def test_summaries_equal_the_progress_rows_after_any_mix_of_ticks_skips_and_moves(seed):
    rng = random.Random(seed)
    programme = factories.ProgrammeFactory()
    cohort = factories.CohortFactory(programme=programme)
    steps = [
        PlanStep.objects.create(programme=programme, position=n, title=f"Step {n}", due_week=n)
        for n in range(1, 6)
    ]
    pairs = [factories.PairFactory(cohort=cohort) for _ in range(3)]
    for _ in range(30):
        pair, step = rng.choice(pairs), rng.choice(steps)
        action = rng.choice(["done", "done", "skipped", "", "move", "delete"])
        if action == "move":
            move_step(
                pair=pair, step=step, by=pair.junior.user, direction=rng.choice(["up", "down"])
            )
        elif action == "delete":
            PairStepProgress.objects.filter(pair=pair, step=step).delete()
        else:
            set_step_state(pair=pair, step=step, by=pair.senior.user, state=action)
        assert _summarised() == _direct(), action


def test_a_step_taken_out_of_the_plan_leaves_an_id_that_readers_ignore():
    programme = factories.ProgrammeFactory()
    first, second = (
        PlanStep.objects.create(programme=programme, position=n, title=f"Step {n}", due_week=n)
        for n in (1, 2)
    )
    pair = factories.PairFactory(cohort=factories.CohortFactory(programme=programme))
    set_step_state(pair=pair, step=first, by=pair.junior.user, state="done")
    set_step_state(pair=pair, step=second, by=pair.junior.user, state="skipped")
    gone = second.pk
    second.delete()
    summary = PairPlanSummary.objects.get(pair=pair)
    assert step_ids(summary.done) == {first.pk}
    assert step_ids(summary.skipped) == {gone}  # no longer a step: ignored when read


def test_the_rebuild_restores_summaries_after_bulk_writes():
    programme = factories.ProgrammeFactory()
    steps = [
        PlanStep.objects.create(programme=programme, position=n, title=f"Step {n}", due_week=n)
        for n in range(1, 4)
    ]
    cohort = factories.CohortFactory(programme=programme)
    pairs = [factories.PairFactory(cohort=cohort) for _ in range(3)]
    PairStepProgress.objects.bulk_create(
        [
            PairStepProgress(pair=pair, step=step, state=state, position=position)
            for pair, state, position in ((pairs[0], "done", None), (pairs[1], "skipped", 2))
            for step in steps[:2]
        ]
    )
    assert _summarised() != _direct()  # bulk writes bypass the signals...
    call_command("rebuild_session_rollups", stdout=open("/dev/null", "w"))
    assert _summarised() == _direct() != {}  # ...and the rebuild catches them up
