"""The dashboard's plan figures: per cohort, the share of active pairs on track with their
session plan, and the steps pairs skip most. Managers see no group under MIN_GROUP pairs.

Pairs are not read one by one: each pair's progress is summarised in one row
(sessions_log.rollups.PairPlanSummary: steps done, steps skipped, an order of its own), and
pairs alike (same cohort, same day of publication, same summary) are counted together in one
grouped query, so a few hundred groups stand for thousands of pairs. Each group's standing
follows the pair page's rules (sessions_log.plan_stats.standings); the rare pair that put its
steps in an order of its own is read with its progress rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.models import Cohort, PlanStep
from pairing.models import Pair
from sessions_log.plan_stats import PairOnPlan, Progress, Steps, plan_progress, standings
from sessions_log.rollups.plan import step_ids

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


def plan_figures(
    pairs: QuerySet[Pair], cohorts: dict[int, Cohort], scope: Scope, *, today: date
) -> PlanFigures | None:
    """``pairs``: the pairs in view; ``cohorts``: theirs, by id. Two queries (three when a pair
    has an order of its own); None when no cohort in view follows a plan."""
    steps: Steps = defaultdict(list)
    titles: dict[int, str] = {}
    first_at: dict[str, int] = {}  # a title's earliest place in a plan: ties list by it
    for pk, programme_id, position, week, title in PlanStep.objects.filter(
        programme_id__in={cohort.programme_id for cohort in cohorts.values()}
    ).values_list("pk", "programme_id", "position", "due_week", "title"):
        titles[pk] = title
        first_at[title] = min(position, first_at.get(title, position))
        steps[programme_id].append((pk, position, week))
    if not steps:
        return None
    on_plan = [pk for pk, cohort in cohorts.items() if cohort.programme_id in steps]
    groups = (
        pairs.filter(cohort_id__in=on_plan)
        .values_list(
            "cohort_id",
            # Django resolves a Q as a boolean expression; the stubs only know Combinable.
            Q(status=Pair.Status.ACTIVE),  # type: ignore[arg-type]
            TruncDate("published_at"),
            "plan_summary__done",
            "plan_summary__skipped",
            "plan_summary__own_order",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    alike: list[tuple[PairOnPlan, int, int]] = []  # (stand-in pair, its cohort, pairs alike)
    progress: Progress = {}
    skipped_by: Counter[str] = Counter()
    own_order = False
    for cohort_id, active, published_on, done, skipped, own, n in groups:
        for step_id in step_ids(skipped):
            if step_id in titles:
                skipped_by[titles[step_id]] += n
        if own:
            own_order = True
            continue
        if not active:
            continue
        cohort = cohorts[cohort_id]
        stand_in = PairOnPlan(-len(alike) - 1, published_on, cohort.starts_on, cohort.programme_id)
        progress[stand_in.pk] = {pk: ("done", None) for pk in step_ids(done) | step_ids(skipped)}
        alike.append((stand_in, cohort_id, n))
    tally: Counter[tuple[int, bool]] = Counter()
    found = standings([p for p, _, _ in alike], today=today, steps=steps, progress=progress)
    for stand_in, cohort_id, n in alike:
        tally[(cohort_id, found[stand_in.pk].status == "behind")] += n
    if own_order:
        _count_own_orders(pairs.filter(cohort_id__in=on_plan), cohorts, steps, today, tally)
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
        skipped_by.items(), key=lambda item: (-item[1], first_at[item[0]], item[0])
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
    mine = list(
        pairs.filter(status=Pair.Status.ACTIVE, plan_summary__own_order=True).values_list(
            "pk", "cohort_id", TruncDate("published_at")
        )
    )
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
