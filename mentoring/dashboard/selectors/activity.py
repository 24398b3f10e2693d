"""Sessions over time and skills covered each way, from the session rollups: a cohort whose
pairs are all in view is read from its cohort's totals (a few rows, whatever its size), any
other from its pairs' in view. Never from the session logs themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import F, QuerySet, Sum, Value

from accounts.models import Skill
from mentoring.dashboard.selectors.pairs import MINUTES, PairFigures  # noqa: F401
from mentoring.dashboard.sql import among_ids
from mentoring.models import Cohort
from sessions_log.rollups import CohortMonthTotals, CohortSkillTotals, PairPacked, packed


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
    """Rows of the pairs in view of ``cohorts`` (``pair_ids``, theirs alone; None: every pair
    of ``cohorts``)."""
    if pair_ids is None:
        return rows.filter(pair__cohort_id__in=list(cohorts))
    return rows.filter(among_ids("pair_id", pair_ids))


@dataclass(frozen=True)
class Packs:
    """The months and skills of the pairs in view of partly seen cohorts, from their packs
    (sessions_log.rollups.packed), each pack's rows one under another."""

    months: np.ndarray  # month number, sessions, minutes reverse, forward, both
    skills: np.ndarray  # skill id × 2 (+ 1 forward), sessions


def packs(partial: set[int], pair_ids: Collection[int] | None) -> Packs:
    """One read of the packs of the pairs in view of the ``partial`` cohorts (``pair_ids``:
    those pairs, of these cohorts only; None: every pair of theirs)."""
    rows = (
        list(
            _pair_rows(PairPacked.objects.all(), pair_ids, partial).values_list("months", "skills")
        )
        if partial
        else []
    )
    return Packs(
        months=packed.unpack((m for m, _ in rows), packed.MONTH_WIDTH),
        skills=packed.unpack((s for _, s in rows), packed.SKILL_WIDTH),
    )


def months(whole: set[int], partial: Packs, since: date) -> list[dict]:
    """A year of months: the whole cohorts' monthly totals (one query) and the other pairs'
    in view (their packs), added up by month."""
    sums = [Sum(name) for name in ("sessions", *MINUTES)]
    found: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if whole:
        for month, *figures in (
            CohortMonthTotals.objects.filter(cohort_id__in=list(whole), month__gte=since)
            .values_list("month")
            .annotate(*sums)
            .order_by()
        ):
            for i, value in enumerate(figures):
                found[month][i] += value
    rows = partial.months[partial.months[:, 0] >= packed.month_number(since)]
    numbers, where = np.unique(rows[:, 0], return_inverse=True)
    per_month = np.zeros((len(numbers), packed.MONTH_WIDTH - 1), dtype=np.int64)
    np.add.at(per_month, where, rows[:, 1:])
    for number, totals in zip(numbers.tolist(), per_month.tolist(), strict=True):
        for j, value in enumerate(totals):
            found[packed.month_of(number)][j] += value
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
    whole: set[int], partial: Packs
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The ten skills most often covered each way (the logs' per-direction skills), by name:
    the whole cohorts' totals and the other pairs' packs, with every skill's name, in one
    query."""
    keys = partial.skills[:, 0]
    per_key = np.bincount(keys, weights=partial.skills[:, 1]) if len(keys) else np.zeros(0)
    ids = sorted({key // 2 for key in np.flatnonzero(per_key).tolist()})
    # Columns named alike in both halves of the union, all annotations, so that each
    # half's SQL lists them in the order given here.
    whole_rows = (
        CohortSkillTotals.objects.filter(cohort_id__in=list(whole))
        .annotate(u_way=F("way"), u_skill=F("skill_id"), u_name=F("skill__name"))
        .values_list("u_way", "u_skill", "u_name")
        .annotate(u_n=Sum("sessions"))
        .order_by()
    )
    # The names of the skills the packs hold, in the same query (a count of 0 adds nothing).
    names = (
        Skill.objects.filter(pk__in=ids)
        .annotate(u_way=Value("reverse"), u_skill=F("pk"), u_name=F("name"), u_n=Value(0))
        .values_list("u_way", "u_skill", "u_name", "u_n")
        .order_by()
    )
    # Skill names are unique (each is its taxonomy key's), so names key the counts.
    counts: dict[str, dict[str, int]] = {"reverse": defaultdict(int), "forward": defaultdict(int)}
    name_of: dict[int, str] = {}
    queries = [q for q, wanted in ((whole_rows, whole), (names, ids)) if wanted]
    if queries:
        for way, skill_id, name, n in queries[0].union(*queries[1:], all=True):
            name_of[skill_id] = name
            if n:
                counts[way][name] += n
    for key in np.flatnonzero(per_key).tolist():
        name = name_of.get(key // 2)
        if name is None:  # deleted since (the admin): its cohort totals went by cascade too
            continue
        way = "forward" if key % 2 else "reverse"
        counts[way][name] += int(per_key[key])
    reverse, forward = (
        sorted(counts[way].items(), key=lambda item: (-item[1], item[0]))[:10]
        for way in ("reverse", "forward")
    )
    return reverse, forward
