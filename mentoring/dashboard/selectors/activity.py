"""Sessions over time and skills covered each way, from the session rollups: a cohort whose
pairs are all in view is read from its cohort's totals (a few rows, whatever its size), any
other from its pairs' in view. Never from the session logs themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from django.db.models import QuerySet, Sum

from mentoring.dashboard.selectors.pairs import MINUTES, PairFigures  # noqa: F401
from mentoring.dashboard.sql import among_ids
from mentoring.models import Cohort
from sessions_log.rollups import (
    CohortMonthTotals,
    CohortSkillTotals,
    PairMonthTotals,
    PairSkillTotals,
)


def whole_cohorts(figures: PairFigures, cohorts: dict[int, Cohort]) -> set[int]:
    """Cohorts whose session totals (read with the cohorts) are exactly those of their pairs
    in view: every pair of theirs that logged a session is in view, and their totals are in
    step with their pairs'."""
    whole = set()
    for cohort_id, in_view in figures.cohorts.items():
        totals = getattr(cohorts[cohort_id], "session_totals", None)
        if (
            in_view.logged
            and totals is not None
            and (
                totals.pairs,
                totals.sessions,
                totals.reverse_minutes,
                totals.forward_minutes,
                totals.both_minutes,
            )
            == (
                in_view.logged,
                in_view.sessions,
                in_view.reverse_minutes,
                in_view.forward_minutes,
                in_view.both_minutes,
            )
        ):
            whole.add(cohort_id)
    return whole


def _pair_rows(rows: QuerySet, pair_ids: Collection[int] | None, cohorts: Collection[int]):
    """Rows of the pairs in view (``pair_ids``; None: every pair of ``cohorts``)."""
    if pair_ids is None:
        return rows.filter(pair__cohort_id__in=list(cohorts))
    return rows.filter(among_ids("pair_id", pair_ids))


def months(
    whole: set[int],
    partial: set[int],
    pair_ids: Collection[int] | None,
    since: date,
) -> list[dict]:
    """A year of months: the whole cohorts' monthly totals and the other pairs' in view, in one
    query (a union of two grouped reads), added up by month."""
    sums = [Sum(name) for name in ("sessions", *MINUTES)]
    parts = []
    if whole:
        parts.append(
            CohortMonthTotals.objects.filter(cohort_id__in=list(whole), month__gte=since)
            .values_list("month")
            .annotate(*sums)
            .order_by()
        )
    if partial:
        parts.append(
            _pair_rows(PairMonthTotals.objects.filter(month__gte=since), pair_ids, partial)
            .values_list("month")
            .annotate(*sums)
            .order_by()
        )
    found: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if parts:
        for month, *figures in parts[0].union(*parts[1:], all=True):
            if not isinstance(month, date):  # SQLite hands a union's dates back as text
                month = date.fromisoformat(str(month)[:10])
            for i, value in enumerate(figures):
                found[month][i] += value
    result = []
    for month in sorted(found):
        sessions, rev, fwd, both = found[month]
        # A "both ways" session counts half its time each way.
        reverse, forward = rev + both // 2, fwd + both - both // 2
        result.append(
            {
                "month": month,
                "sessions": sessions,
                "reverse_hours": round(reverse / 60, 1),
                "forward_hours": round(forward / 60, 1),
            }
        )
    return result


def top_skills(
    whole: set[int], partial: set[int], pair_ids: Collection[int] | None
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The ten skills most often covered each way (the logs' per-direction skills), by name:
    one query over the rollups, as months() reads them."""
    parts = []
    if whole:
        parts.append(
            CohortSkillTotals.objects.filter(cohort_id__in=list(whole))
            .values_list("way", "skill__name")
            .annotate(Sum("sessions"))
            .order_by()
        )
    if partial:
        parts.append(
            _pair_rows(PairSkillTotals.objects.all(), pair_ids, partial)
            .values_list("way", "skill__name")
            .annotate(Sum("sessions"))
            .order_by()
        )
    # Skill names are unique (each is its taxonomy key's), so names key the counts.
    counts: dict[str, dict[str, int]] = {"reverse": defaultdict(int), "forward": defaultdict(int)}
    if parts:
        for way, name, n in parts[0].union(*parts[1:], all=True):
            counts[way][name] += n
    reverse, forward = (
        sorted(counts[way].items(), key=lambda item: (-item[1], item[0]))[:10]
        for way in ("reverse", "forward")
    )
    return reverse, forward
