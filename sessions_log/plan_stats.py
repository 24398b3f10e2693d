"""Plan figures over many pairs at once, in a fixed number of queries: each pair's next step
and whether it is on track (the rules of sessions_log.plan)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from mentoring.lib.sql import among
from mentoring.models import PlanStep
from sessions_log.plan import GRACE_DAYS
from sessions_log.plan_models import PairStepProgress


@dataclass(frozen=True)
class PairOnPlan:
    """One pair as the plan figures need it."""

    pk: int
    published_at: datetime | date  # a date is taken as the local day of publication
    starts_on: date | None
    programme_id: int


@dataclass(frozen=True)
class Standing:
    step_id: int | None  # the next step; None once every step is done or skipped
    due_on: date | None
    status: str  # "on_track", "behind" or "complete"


Steps = dict[int, list[tuple[int, int, int]]]  # programme id -> (step id, position, week)
Progress = dict[int, dict[int, tuple[str, int | None]]]  # pair id -> step id -> (state, own pos)


def plan_steps(programme_ids: Iterable[int]) -> Steps:
    steps: Steps = defaultdict(list)
    for pk, programme_id, position, week in PlanStep.objects.filter(
        programme_id__in=set(programme_ids)
    ).values_list("pk", "programme_id", "position", "due_week"):
        steps[programme_id].append((pk, position, week))
    return steps


def plan_progress(pair_ids: Iterable[int] | None) -> Progress:
    """The progress rows of these pairs (None: of every pair, read without a filter)."""
    progress: Progress = defaultdict(dict)
    rows = PairStepProgress.objects.all()
    if pair_ids is not None:
        rows = rows.filter(pair_id__in=among(list(pair_ids), "bigint"))
    for pair_id, step_id, state, position in rows.values_list(
        "pair_id", "step_id", "state", "position"
    ):
        progress[pair_id][step_id] = (state, position)
    return progress


def standings(
    pairs: Iterable[PairOnPlan],
    *,
    today: date,
    steps: Steps | None = None,
    progress: Progress | None = None,
) -> dict[int, Standing]:
    """The standing of every pair whose programme has a plan: two queries in all, none when
    the caller hands over the steps and the progress rows."""
    pairs = list(pairs)
    if not pairs:
        return {}
    if steps is None:
        steps = plan_steps(p.programme_id for p in pairs)
    if progress is None:
        progress = plan_progress(p.pk for p in pairs)
    # The plan's own order, sorted once per programme; only a pair that reordered its steps
    # needs a sort of its own (most pairs never do, and the dashboard reads thousands).
    in_plan_order = {
        programme_id: sorted(mine, key=lambda step: (step[1], 1, step[0]))
        for programme_id, mine in steps.items()
    }
    found = {}
    for pair in pairs:
        plan = in_plan_order.get(pair.programme_id)
        if not plan:
            continue
        mine = progress.get(pair.pk, {})
        if any(own is not None for _, own in mine.values()):

            def order(step: tuple[int, int, int], mine=mine) -> tuple[int, int, int]:
                own = mine.get(step[0], ("", None))[1]
                return (own if own is not None else step[1], 0 if own is not None else 1, step[0])

            plan = sorted(plan, key=order)
        following = next((s for s in plan if not mine.get(s[0], ("",))[0]), None)
        if following is None:
            found[pair.pk] = Standing(None, None, "complete")
            continue
        published = (
            timezone.localdate(pair.published_at)
            if isinstance(pair.published_at, datetime)
            else pair.published_at
        )
        start = max(published, pair.starts_on) if pair.starts_on else published
        due_on = start + timedelta(weeks=following[2])
        late = (today - due_on).days > GRACE_DAYS
        found[pair.pk] = Standing(following[0], due_on, "behind" if late else "on_track")
    return found
