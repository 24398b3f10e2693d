"""The dashboard's census: the counted enrolments read once, in one SQL statement, and
everything the board counts of them handed back grouped (the pairs' half is pair_census.py,
which reads the rows built here):

- people (each once), enrolments and enrolments as junior, per department, and which
  departments each cohort has (the filters' choices, when nothing is filtered);
- the impact survey per department (people with both answers, their changes per area).

Written as SQL around the counted enrolments' own query (compiled by Django, so the filters
mean what they mean everywhere else): in Django's ORM each of these is a query of its own that
reads the enrolments again and joins each one's department through the users table. One
common table expression, ``d`` (enrolments with their department), is computed once; every
branch of the UNION reads it. Nothing here is specific to one database (PostgreSQL and SQLite
run it alike)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Profile
from mentoring.dashboard.impact import AREA_LABELS
from mentoring.dashboard.selectors.pairs import CohortPairs, PairFigures
from mentoring.models import Enrolment
from sessions_log.models import ImpactSurvey

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


def roster_census(enrolments: QuerySet[Enrolment]) -> Census:
    """The figures of the counted enrolments alone (people, enrolments, juniors, the cohorts'
    departments, the impact survey): they change with the roster only, and the dashboard keeps
    them under its roster version (cache.roster_cached)."""
    quote = connection.ops.quote_name
    counted, counted_params = (
        enrolments.annotate(eid=F("pk"), uid=F("user_id"), ecohort=F("cohort_id"), eside=F("side"))
        .values_list("eid", "uid", "ecohort", "eside")
        .order_by()
        .query.sql_with_params()
    )
    surveys = quote(ImpactSurvey._meta.db_table)
    change = {area: f"(f.{quote(area)} - b.{quote(area)})" for area in AREAS}
    branches = [
        branch("'people'", "NULL", "dept", ["COUNT(DISTINCT user_id)"], "FROM d GROUP BY dept"),
        branch(
            "'enrolled'",
            "cohort_id",
            "dept",
            ["COUNT(*)", "SUM(CASE WHEN side = %s THEN 1 ELSE 0 END)"],
            "FROM d GROUP BY cohort_id, dept",
            [Enrolment.Side.JUNIOR],
        ),
        # The impact survey: per department, people with both answers, and per area the sum
        # of their changes (final - baseline) and of the changes squared.
        branch(
            "'impact'",
            "NULL",
            "d.dept",
            [
                "COUNT(*)",
                *(f"SUM({change[area]})" for area in AREAS),
                *(f"SUM({change[area]} * {change[area]})" for area in AREAS),
            ],
            f"FROM d INNER JOIN {surveys} b ON b.enrolment_id = d.id AND b.stage = %s "
            f"INNER JOIN {surveys} f ON f.enrolment_id = d.id AND f.stage = %s GROUP BY d.dept",
            [ImpactSurvey.Stage.BASELINE, ImpactSurvey.Stage.FINAL],
        ),
    ]
    # Table names from the models' metadata, the enrolments' query compiled by Django; every
    # value is a parameter.
    sql = (
        "WITH d AS MATERIALIZED (SELECT e.eid AS id, e.uid AS user_id, "  # noqa: S608
        "e.ecohort AS cohort_id, e.eside AS side, pr.department AS dept "
        f"FROM ({counted}) e LEFT JOIN {quote(Profile._meta.db_table)} pr "
        "ON pr.user_id = e.uid) " + " UNION ALL ".join(part for part, _ in branches)
    )
    return read(run(sql, counted_params, branches))


def run(sql: str, params: Sequence, branches: list[tuple[str, list]]) -> list[tuple]:
    """The rows of a census statement: its own parameters, then each branch's."""
    params = list(params)
    for _, branch_params in branches:
        params += branch_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


COUNTS = 1 + 2 * len(AREAS)  # the widest branch: the impact survey's


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
    return raw or NONE


def read(rows: list[tuple]) -> Census:
    found = Census()
    people: dict[str, int] = defaultdict(int)
    enrolled: dict[str, int] = defaultdict(int)
    juniors: dict[str, int] = defaultdict(int)
    minutes: dict[str, int] = defaultdict(int)
    ids: list[int] = []
    everything = False
    for kind, cohort_id, text, *n, at, day, text2 in rows:
        if kind == "people":
            # Blank and missing departments are one row, "(none)": a person has one or the other.
            people[_department(text)] += n[0]
        elif kind == "enrolled":
            enrolled[_department(text)] += n[0]
            juniors[_department(text)] += n[1]
            if text:
                found.departments_in.setdefault(cohort_id, set()).add(text)
        elif kind == "pairs":
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
        elif kind == "impact":
            found.impact[text] = (
                n[0],
                [v or 0 for v in n[1 : 1 + len(AREAS)]],
                [v or 0 for v in n[1 + len(AREAS) :]],
            )
    found.people, found.enrolments, found.juniors = dict(people), dict(enrolled), dict(juniors)
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
