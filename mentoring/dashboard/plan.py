"""The dashboard's plan figures: per cohort, the share of active pairs on track with their
session plan, and the steps pairs skip most. Managers see no group under MIN_GROUP pairs.

Pairs are not read one by one: each pair's progress is summarised in one row
(sessions_log.rollups.PairPlanSummary: steps done, steps skipped, an order of its own), and
pairs alike (same cohort, same moment of publication, same summary) are counted together by
the dashboard's census (selectors/census.py), so a few hundred groups stand for thousands of
pairs. Each group's standing follows the pair page's rules (sessions_log.plan_stats.standings);
the rare pair that put its steps in an order of its own is read with its progress rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.db.models.functions import TruncDate

from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.models import Cohort, PlanStep
from pairing.models import Pair
from sessions_log.plan_stats import PairOnPlan, Progress, Steps, plan_progress, standings
from sessions_log.rollups.plan import step_ids

if TYPE_CHECKING:
    from mentoring.dashboard.selectors.census import PlanGroup

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


@dataclass
class Plans:
    """The plans of the programmes in view: each programme's steps (id, position, due week),
    each step's title, and each title's earliest place in a plan."""

    steps: Steps = field(default_factory=lambda: defaultdict(list))
    titles: dict[int, str] = field(default_factory=dict)
    first_at: dict[str, int] = field(default_factory=dict)


def plans_of(programme_ids: set[int]) -> Plans:
    """One query: the steps of these programmes' plans."""
    plans = Plans()
    for pk, programme_id, position, week, title in PlanStep.objects.filter(
        programme_id__in=programme_ids
    ).values_list("pk", "programme_id", "position", "due_week", "title"):
        plans.titles[pk] = title
        plans.first_at[title] = min(position, plans.first_at.get(title, position))
        plans.steps[programme_id].append((pk, position, week))
    return plans


def plan_figures(
    groups: list[PlanGroup],
    plans: Plans,
    cohorts: dict[int, Cohort],
    own_order: Callable[[], QuerySet[Pair]],
    scope: Scope,
    *,
    today: date,
) -> PlanFigures | None:
    """``groups``: the pairs in view on a plan, counted together (census.py); ``own_order``:
    their active pairs with an order of their own, read one by one (one or two queries, only
    when there are any). None when no pair in view follows a plan."""
    if not groups:
        return None
    alike: list[tuple[PairOnPlan, int, int]] = []  # (stand-in pair, its cohort, pairs alike)
    progress: Progress = {}
    skipped_by: Counter[str] = Counter()
    any_own_order = False
    for group in groups:
        for step_id in step_ids(group.skipped):
            if step_id in plans.titles:
                skipped_by[plans.titles[step_id]] += group.pairs
        if not group.active:
            continue
        if group.own_order:
            any_own_order = True
            continue
        cohort = cohorts[group.cohort_id]
        stand_in = PairOnPlan(
            -len(alike) - 1, group.published_on, cohort.starts_on, cohort.programme_id
        )
        progress[stand_in.pk] = {
            pk: ("done", None) for pk in step_ids(group.done) | step_ids(group.skipped)
        }
        alike.append((stand_in, group.cohort_id, group.pairs))
    tally: Counter[tuple[int, bool]] = Counter()
    found = standings([p for p, _, _ in alike], today=today, steps=plans.steps, progress=progress)
    for stand_in, cohort_id, n in alike:
        tally[(cohort_id, found[stand_in.pk].status == "behind")] += n
    if any_own_order:
        _count_own_orders(own_order(), cohorts, plans.steps, today, tally)
    rows = []
    for cohort_id in {cohort_id for cohort_id, _ in tally}:
        cohort = cohorts[cohort_id]
        behind, on_track = tally[(cohort_id, True)], tally[(cohort_id, False)]
        if scope.suppresses and behind + on_track < MIN_GROUP:
            rows.append(CohortOnPlan(cohort.name, cohort.programme.name, None))
        else:
            rows.append(
                CohortOnPlan(
                    cohort.name, cohort.programme.name, behind + on_track, on_track, behind
                )
            )
    rows.sort(key=lambda r: (r.programme, r.name))
    skipped_most = sorted(
        skipped_by.items(), key=lambda item: (-item[1], plans.first_at[item[0]], item[0])
    )[:SKIPPED_SHOWN]
    if scope.suppresses:
        skipped_most = [(title, n) for title, n in skipped_most if n >= MIN_GROUP]
    return PlanFigures(cohorts=rows, skipped=skipped_most)


def _count_own_orders(
    pairs: QuerySet[Pair],
    cohorts: dict[int, Cohort],
    steps: Steps,
    today: date,
    tally: Counter[tuple[int, bool]],
) -> None:
    """Active pairs that put their steps in an order of their own, one by one with their
    progress rows (few: a pair does this by hand)."""
    mine = list(pairs.values_list("pk", "cohort_id", TruncDate("published_at")))
    found = standings(
        (
            PairOnPlan(pk, published_on, cohorts[c].starts_on, cohorts[c].programme_id)
            for pk, c, published_on in mine
        ),
        today=today,
        steps=steps,
        progress=plan_progress([pk for pk, _, _ in mine]),
    )
    for pk, cohort_id, _ in mine:
        tally[(cohort_id, found[pk].status == "behind")] += 1
