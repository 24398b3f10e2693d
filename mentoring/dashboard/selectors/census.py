"""The dashboard's census: everything the board counts of the enrolments and pairs in view,
handed back grouped.

- The roster's half (``roster_census``): people (each once), enrolments and enrolments as
  junior, per department, which departments each cohort has (the filters' choices, when
  nothing is filtered) and the impact survey per department (people with both answers, their
  changes per area), in one grouped pass over the enrolment roster
  (sessions_log.rollups.EnrolmentRoster), where joining every enrolment to its cohort, profile
  and survey answers cost a sixth of a second at 50,000 people.
- The pairs' half (pair_census.py) in one SQL statement, a UNION of branches (``branch``)
  over the pair roster, read back by ``read``. Nothing here is specific to one database
  (PostgreSQL and SQLite run it alike)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mentoring.dashboard.impact import AREA_LABELS
from mentoring.dashboard.scope import Scope
from mentoring.dashboard.selectors.filters import Filters, narrowed
from mentoring.dashboard.selectors.pairs import CohortPairs, PairFigures
from mentoring.models import Enrolment
from sessions_log.rollups import EnrolmentRoster

AREAS = list(AREA_LABELS)  # the impact table's order

NONE = "(none)"  # the department of people who gave none
# How a moment and a day are typed in the UNION: SQLite would read "timestamp" or "date" as a
# number (its NUMERIC affinity turns '2026-05-01' into 2026), so there they stay text.
_TYPES = {"postgresql": ("timestamp with time zone", "date")}


@dataclass(frozen=True)
class PlanGroup:
    """Pairs alike on their plan: same cohort, status, moment of publication and summary."""

    cohort_id: int
    active: bool
    published_on: date  # local day
    done: str | None  # PairPlanSummary.done / skipped (None: no progress rows)
    skipped: str | None
    own_order: bool
    pairs: int


@dataclass(frozen=True)
class QuietPair:
    pk: int
    cohort_id: int
    junior_id: int  # enrolments
    senior_id: int
    last_session: date | None


@dataclass
class Census:
    people: dict[str, int] = field(default_factory=dict)  # per department
    enrolments: dict[str, int] = field(default_factory=dict)
    juniors: dict[str, int] = field(default_factory=dict)
    departments_in: dict[int, set[str]] = field(default_factory=dict)  # per cohort, as given
    pairs: PairFigures = field(default_factory=PairFigures)
    plan: list[PlanGroup] = field(default_factory=list)
    quietest: list[QuietPair] = field(default_factory=list)
    # The impact survey per department (as given): (people with both answers, per area the sum
    # of their changes, per area the sum of the changes squared).
    impact: dict[str | None, tuple[int, list[int], list[int]]] = field(default_factory=dict)
    pair_ids: list[int] | None = None  # None: every published pair is in view
    # The same ids per cohort (empty when pair_ids is None).
    pair_ids_of: dict[int, list[int]] = field(default_factory=dict)


def roster_in_view(scope: Scope, filters: Filters) -> QuerySet[EnrolmentRoster]:
    """The enrolment roster's rows of the enrolments in view: filters.enrolments_in_view's
    tests (the roster holds the counted enrolments only) asked of the roster's rows."""
    return narrowed(EnrolmentRoster.objects.all(), scope, filters, "department")


def _ones(test: Q) -> Sum:
    return Sum(Case(When(test, then=Value(1)), default=Value(0)))


def roster_census(scope: Scope, filters: Filters) -> Census:
    """The figures of the counted enrolments in view alone (people, enrolments, juniors, the
    cohorts' departments, the impact survey), grouped in one pass over the enrolment roster
    (mentoring.dashboard.roster keeps it; the caller brings it up to date first). They change
    with the roster only, and the dashboard keeps them under its roster version
    (cache.roster_cached).

    People are counted once each: across every cohort, as the number of first enrolments
    (a person's first counted one is flagged in the roster); within one cohort, as its
    enrolments (one per person); across a programme's cohorts, apart (a second query)."""
    rows = roster_in_view(scope, filters)
    groups = (
        rows.values("cohort_id", "department")
        .annotate(
            n=Count("pk"),
            juniors=_ones(Q(side=Enrolment.Side.JUNIOR)),
            firsts=_ones(Q(first_of_user=True)),
            surveyed=_ones(Q(surveyed=True)),
            **{f"sum_{area}": Sum(area) for area in AREAS},
            **{f"square_{area}": Sum(F(area) * F(area)) for area in AREAS},
        )
        .order_by()
    )
    found = Census()
    people: dict[str, int] = defaultdict(int)
    enrolled: dict[str, int] = defaultdict(int)
    juniors: dict[str, int] = defaultdict(int)
    for row in groups:
        group: dict[str, Any] = dict(row)
        text, named = group["department"], _department(group["department"])
        people[named] += group["n" if filters.cohort else "firsts"]
        enrolled[named] += group["n"]
        juniors[named] += group["juniors"]
        if text:
            found.departments_in.setdefault(group["cohort_id"], set()).add(text)
        if group["surveyed"]:
            answered, sums, squares = found.impact.get(
                text, (0, [0] * len(AREAS), [0] * len(AREAS))
            )
            found.impact[text] = (
                answered + group["surveyed"],
                [
                    total + (group[f"sum_{area}"] or 0)
                    for total, area in zip(sums, AREAS, strict=True)
                ],
                [
                    total + (group[f"square_{area}"] or 0)
                    for total, area in zip(squares, AREAS, strict=True)
                ],
            )
    if filters.programme and not filters.cohort:
        people = defaultdict(int)
        for department, count in (
            rows.values("department").annotate(people=Count("user_id", distinct=True)).order_by()
        ).values_list("department", "people"):
            people[_department(department)] += count
    found.people, found.enrolments, found.juniors = dict(people), dict(enrolled), dict(juniors)
    return found


def run(sql: str, params: Sequence, branches: list[tuple[str, list]]) -> list[tuple]:
    """The rows of a census statement: its own parameters, then each branch's."""
    params = list(params)
    for _, branch_params in branches:
        params += branch_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


COUNTS = 8  # the widest branch: the pairs' (pair_census.py)


def branch(
    kind: str,
    cohort: str,
    text: str,
    counts: list[str],
    rest: str,
    params: list | None = None,
    *,
    moment: str = "NULL",
    day: str = "NULL",
    text2: str = "NULL",
) -> tuple[str, list]:
    """One branch of the census's UNION: kind, cohort, a text, COUNTS numbers, a moment, a
    day, another text, each column typed (a NULL alone has no type, and PostgreSQL types a
    UNION's column by its first branch)."""
    moment_type, day_type = _TYPES.get(connection.vendor, ("text", "text"))
    numbers = [f"CAST({count} AS bigint)" for count in counts]
    numbers += ["CAST(NULL AS bigint)"] * (COUNTS - len(counts))
    columns = [
        kind,
        f"CAST({cohort} AS bigint)",
        f"CAST({text} AS text)",
        *numbers,
        f"CAST({moment} AS {moment_type})",
        f"CAST({day} AS {day_type})",
        f"CAST({text2} AS text)",
    ]
    return f"SELECT {', '.join(columns)} {rest}", params or []  # noqa: S608 (see census())


def _department(raw: str | None) -> str:
    """Blank and missing departments are one row, "(none)": a person has one or the other."""
    return raw or NONE


def read(rows: list[tuple]) -> Census:
    """The pairs' half of the census from the rows of pair_census's statement."""
    found = Census()
    minutes: dict[str, int] = defaultdict(int)
    ids: list[int] = []
    everything = False
    for kind, cohort_id, text, *n, at, day, text2 in rows:
        if kind == "pairs":
            cohort = found.pairs.cohorts.setdefault(cohort_id, CohortPairs())
            pairs, active, logged, sessions, rev, fwd, both, at_risk = n[:8]
            cohort.pairs += pairs
            cohort.active += active
            cohort.logged += logged
            cohort.sessions += sessions
            cohort.reverse_minutes += rev
            cohort.forward_minutes += fwd
            cohort.both_minutes += both
            cohort.at_risk += at_risk
            if rev + fwd + both:
                minutes[_department(text)] += rev + fwd + both
        elif kind == "plan":
            found.plan.append(
                PlanGroup(
                    cohort_id,
                    bool(n[1]),
                    timezone.localdate(_moment(at)),
                    text,
                    text2,
                    bool(n[2]),
                    n[0],
                )
            )
        elif kind == "quiet":
            found.quietest.append(QuietPair(n[0], cohort_id, n[1], n[2], _day(day)))
        elif kind == "pair":
            ids.append(n[0])
            found.pair_ids_of.setdefault(cohort_id, []).append(n[0])
        elif kind == "count":
            everything = n[0] == n[1]
    found.pairs.department_minutes = dict(minutes)
    found.pair_ids = None if everything else ids
    if everything:
        found.pair_ids_of = {}
    return found


def _moment(value: datetime | str) -> datetime:
    """A timestamp as the database hands it back to a raw query (SQLite: text in UTC)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    moment = parse_datetime(str(value))
    assert moment is not None, value
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
