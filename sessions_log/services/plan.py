"""A pair's writes on its session plan: tick a step done (usually while logging a session),
skip it, put it back, or move it in the pair's own order. Only the two partners of an active
pair can, and only steps of their own programme's plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.models import PlanStep
from pairing.models import Pair
from sessions_log.models import SessionLog
from sessions_log.plan import forget_plan, pair_plan
from sessions_log.plan_models import PairStepProgress
from sessions_log.services.access import require_active, require_member

STATES = {value for value, _ in PairStepProgress.State.choices}


def _require_step_of(pair: Pair, step: PlanStep) -> None:
    if step.programme_id != pair.cohort.programme_id:
        raise ValidationError("That step is not part of your programme's plan.")


def _lock(pair: Pair) -> None:
    """Two partners changing the plan at once queue behind each other; the plan read before
    this change is forgotten."""
    forget_plan(pair)
    Pair.objects.select_for_update().filter(pk=pair.pk).first()


@transaction.atomic
def set_step_state(
    *, pair: Pair, step: PlanStep, by, state: str, session_log: SessionLog | None = None
) -> PairStepProgress:
    require_member(pair, by)
    require_active(pair)
    _require_step_of(pair, step)
    if state not in STATES:
        raise ValidationError("Mark the step done, skipped or to do.")
    _lock(pair)
    row, _ = PairStepProgress.objects.get_or_create(pair=pair, step=step)
    row.state = state
    row.at = timezone.now() if state else None
    row.by = by if state else None
    row.session_log = session_log if state == PairStepProgress.State.DONE else None
    row.save(update_fields=["state", "at", "by", "session_log"])
    forget_plan(pair)
    return row


@transaction.atomic
def move_step(*, pair: Pair, step: PlanStep, by, direction: str) -> None:
    """Swap the step with its neighbour in the pair's order ("up" or "down"). The first move
    writes the whole order down, so later steps HR adds come at the end."""
    require_member(pair, by)
    require_active(pair)
    _require_step_of(pair, step)
    if direction not in ("up", "down"):
        raise ValidationError("Move the step up or down.")
    _lock(pair)
    order = [s.step for s in pair_plan(pair).steps]
    index = next(i for i, s in enumerate(order) if s.pk == step.pk)
    other = index + (-1 if direction == "up" else 1)
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    rows = {row.step_id: row for row in PairStepProgress.objects.filter(pair=pair)}
    for n, planned in enumerate(order, start=1):
        row = rows.get(planned.pk) or PairStepProgress(pair=pair, step=planned)
        if row.position != n or row.pk is None:
            row.position = n
            row.save()
    forget_plan(pair)
