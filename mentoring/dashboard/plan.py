"""The dashboard's plan figures: per cohort, the share of active pairs on track with their
session plan, and the steps pairs skip most. Managers see no group under MIN_GROUP pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.models import PlanStep
from sessions_log.plan_models import PairStepProgress
from sessions_log.plan_stats import PairOnPlan, Steps, plan_progress, standings

SKIPPED_SHOWN = 5


@dataclass
class CohortOnPlan:
    name: str
    programme: str
    pairs: int | None  # None: hidden from this viewer (fewer than MIN_GROUP pairs)
    on_track: int | None = None
    behind: int | None = None

    @property
    def share(self) -> int | None:
        if not self.pairs or self.on_track is None:
            return None
        return round(100 * self.on_track / self.pairs)


@dataclass
class PlanFigures:
    cohorts: list[CohortOnPlan] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)


def plan_figures(pairs, scope: Scope, *, today: date, everything: bool) -> PlanFigures | None:
    """``pairs`` are the dashboard's PairRow tuples (pk, cohort_id, active, published_on…).
    Two queries; None when no cohort in view follows a plan."""
    cohorts: dict[int, dict] = {}
    steps: Steps = defaultdict(list)
    titles: dict[int, str] = {}
    # Each step once per cohort of its programme: the cohorts' names and dates come along.
    for pk, position, week, title, programme_id, programme, cohort_id, name, starts_on in (
        PlanStep.objects.filter(programme__cohorts__pk__in={p.cohort_id for p in pairs})
        .values_list(
            "pk",
            "position",
            "due_week",
            "title",
            "programme_id",
            "programme__name",
            "programme__cohorts__pk",
            "programme__cohorts__name",
            "programme__cohorts__starts_on",
        )
        .order_by()
    ):
        if pk not in titles:
            titles[pk] = title
            steps[programme_id].append((pk, position, week))
        cohorts[cohort_id] = {
            "name": name,
            "programme": programme,
            "programme_id": programme_id,
            "starts_on": starts_on,
        }
    if not steps:
        return None
    in_plan = [p for p in pairs if p.cohort_id in cohorts]
    # Every published pair in view: the whole table, no filter on thousands of ids (progress
    # rows exist for published pairs only).
    progress = plan_progress(None if everything else [p.pk for p in in_plan])
    active = [p for p in in_plan if p.active]
    found = standings(
        (
            PairOnPlan(
                p.pk,
                p.published_on,
                cohorts[p.cohort_id]["starts_on"],
                cohorts[p.cohort_id]["programme_id"],
            )
            for p in active
        ),
        today=today,
        steps=steps,
        progress=progress,
    )
    # Active pairs on a plan, counted by (cohort id, behind their plan).
    tally: Counter[tuple[int, bool]] = Counter(
        (pair.cohort_id, found[pair.pk].status == "behind") for pair in active if pair.pk in found
    )
    rows = []
    for cohort_id in {cohort_id for cohort_id, _ in tally}:
        cohort = cohorts[cohort_id]
        behind, on_track = tally[(cohort_id, True)], tally[(cohort_id, False)]
        if scope.suppresses and behind + on_track < MIN_GROUP:
            rows.append(CohortOnPlan(cohort["name"], cohort["programme"], None))
        else:
            rows.append(
                CohortOnPlan(
                    cohort["name"], cohort["programme"], behind + on_track, on_track, behind
                )
            )
    rows.sort(key=lambda r: (r.programme, r.name))
    skipped_by: Counter[str] = Counter(
        titles[step_id]
        for mine in progress.values()
        for step_id, (state, _) in mine.items()
        if state == PairStepProgress.State.SKIPPED and step_id in titles
    )
    skipped = skipped_by.most_common(SKIPPED_SHOWN)
    if scope.suppresses:
        skipped = [(title, n) for title, n in skipped if n >= MIN_GROUP]
    return PlanFigures(cohorts=rows, skipped=skipped)
