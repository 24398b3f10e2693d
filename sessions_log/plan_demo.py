"""The demo's pairs along their session plan: each logged session ticks the pair's next step,
now and then a pair skips one, so pairs stand at different steps and quiet pairs fall behind."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, time

from mentoring.models import Cohort, PlanStep
from sessions_log.models import SessionLog
from sessions_log.plan_models import PairStepProgress

SKIP_CHANCE = 0.08


def seed_plan_progress(
    logs: list[SessionLog],
    pair_cohorts: dict[int, int],
    members: dict[int, tuple[int, int]],
    rng: random.Random,
) -> int:
    """Tick steps for saved ``logs`` (in date order per pair). Returns the rows written."""
    programme_of = dict(
        Cohort.objects.filter(pk__in=set(pair_cohorts.values())).values_list("pk", "programme_id")
    )
    steps: dict[int, list[int]] = defaultdict(list)
    for pk, programme_id in (
        PlanStep.objects.filter(programme_id__in=set(programme_of.values()))
        .order_by("position", "pk")
        .values_list("pk", "programme_id")
    ):
        steps[programme_id].append(pk)
    by_pair: dict[int, list[SessionLog]] = defaultdict(list)
    for log in logs:
        by_pair[log.pair_id].append(log)
    rows = []
    for pair_id, pair_logs in by_pair.items():
        cohort_id = pair_cohorts.get(pair_id)
        programme = programme_of.get(cohort_id) if cohort_id is not None else None
        todo = list(steps.get(programme, [])) if programme is not None else []
        for log in sorted(pair_logs, key=lambda entry: entry.held_on):
            if not todo:
                break
            at = datetime.combine(log.held_on, time(17), tzinfo=UTC)
            if len(todo) > 2 and rng.random() < SKIP_CHANCE:
                rows.append(
                    PairStepProgress(
                        pair_id=pair_id,
                        step_id=todo.pop(0),
                        state="skipped",
                        at=at,
                        by_id=rng.choice(members[pair_id]),
                    )
                )
            rows.append(
                PairStepProgress(
                    pair_id=pair_id,
                    step_id=todo.pop(0),
                    state="done",
                    at=at,
                    by_id=log.logged_by_id,
                    session_log_id=log.pk,
                )
            )
    PairStepProgress.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)
