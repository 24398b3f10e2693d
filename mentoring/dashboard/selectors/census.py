"""The dashboard's census: one SQL statement that reads the counted enrolments once and the
pairs in view once, and hands back everything the board counts of them, grouped:

- people (each once), enrolments and enrolments as junior, per department, and which
  departments each cohort has (the filters' choices, when nothing is filtered);
- the impact survey per department (people with both answers, their changes per area);
- the pairs in view by cohort and department: how many, how many active, how many logged,
  their sessions and minutes each way (sessions_log.rollups), how many at risk; each pair's
  hours count for its junior's department, or its senior's when the junior is outside the
  selection;
- the pairs on a plan, counted together by cohort, day of publication and plan summary
  (sessions_log.rollups.PairPlanSummary), for the plan figures;
- the quietest pairs at risk (for HR's list) and, when not every published pair is in view,
  the ids of those that are (the later reads filter by them).

Written as SQL around the counted enrolments' own query (compiled by Django, so the filters
mean what they mean everywhere else): in Django's ORM each of these is a query of its own that
reads the enrolments again, tests pair membership three times and joins each member's
department through the users table; at 50,000 people that cost three times as much. Two
common table expressions, ``d`` (enrolments with their department) and ``v`` (pairs in view
with their totals), are each computed once; every branch of the UNION reads them. Nothing
here is specific to one database (PostgreSQL and SQLite run it alike)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Profile
from mentoring.dashboard.impact import AREA_LABELS
from mentoring.dashboard.selectors.pairs import CohortPairs, PairFigures
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair
from sessions_log.models import ImpactSurvey
from sessions_log.rollups import PairPlanSummary, PairSessionTotals

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


def census(
    enrolments: QuerySet[Enrolment],
    cohorts: list[Cohort],
    today: date,
    *,
    plan_cohorts: set[int],
    quiet_shown: int,
) -> Census:
    """``plan_cohorts``: cohorts whose programme has a plan; ``quiet_shown``: how many of the
    quietest pairs to name (0: none, for managers)."""
    quote = connection.ops.quote_name
    counted, counted_params = (
        enrolments.annotate(eid=F("pk"), uid=F("user_id"), ecohort=F("cohort_id"), eside=F("side"))
        .values_list("eid", "uid", "ecohort", "eside")
        .order_by()
        .query.sql_with_params()
    )
    pair, totals = quote(Pair._meta.db_table), quote(PairSessionTotals._meta.db_table)
    quiet, quiet_params = _quiet_sql(cohorts, today)
    active = Pair.Status.ACTIVE
    surveys = quote(ImpactSurvey._meta.db_table)
    change = {area: f"(f.{quote(area)} - b.{quote(area)})" for area in AREAS}
    branches = [
        _branch("'people'", "NULL", "dept", ["COUNT(DISTINCT user_id)"], "FROM d GROUP BY dept"),
        _branch(
            "'enrolled'",
            "cohort_id",
            "dept",
            ["COUNT(*)", "SUM(CASE WHEN side = %s THEN 1 ELSE 0 END)"],
            "FROM d GROUP BY cohort_id, dept",
            [Enrolment.Side.JUNIOR],
        ),
        _branch(
            "'pairs'",
            "cohort_id",
            "dept",
            [
                "COUNT(*)",
                "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)",
                "COUNT(logged)",
                "COALESCE(SUM(sessions), 0)",
                "COALESCE(SUM(reverse_minutes), 0)",
                "COALESCE(SUM(forward_minutes), 0)",
                "COALESCE(SUM(both_minutes), 0)",
                "SUM(at_risk)",
            ],
            "FROM v GROUP BY cohort_id, dept",
            [active],
        ),
        _branch("'count'", "NULL", "NULL", ["in_view", "published"], "FROM n"),
        # Ids only when some published pair is out of view (HR's usual view has them all).
        _branch(
            "'pair'", "v.cohort_id", "NULL", ["v.id"], "FROM v, n WHERE n.in_view < n.published"
        ),
        # The impact survey: per department, people with both answers, and per area the sum
        # of their changes (final - baseline) and of the changes squared.
        _branch(
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
    if plan_cohorts:
        branches.append(
            _branch(
                "'plan'",
                "v.cohort_id",
                "s.done",
                [
                    "COUNT(*)",
                    "CASE WHEN v.status = %s THEN 1 ELSE 0 END",
                    "CASE WHEN s.own_order THEN 1 ELSE 0 END",
                ],
                f"FROM v LEFT JOIN {quote(PairPlanSummary._meta.db_table)} s "
                f"ON s.pair_id = v.id WHERE v.cohort_id IN ({', '.join(['%s'] * len(plan_cohorts))}) "
                "GROUP BY v.cohort_id, v.status, v.published_at, s.done, s.skipped, s.own_order",
                [active, *sorted(plan_cohorts)],
                moment="v.published_at",
                text2="s.skipped",
            )
        )
    if quiet_shown:
        branches.append(
            _branch(
                "'quiet'",
                "q.cohort_id",
                "NULL",
                ["q.id", "q.junior_id", "q.senior_id"],
                "FROM (SELECT * FROM v WHERE at_risk = 1 "
                "ORDER BY last_held_on IS NOT NULL, last_held_on, id LIMIT %s) q",
                [quiet_shown],
                day="q.last_held_on",
            )
        )
    # Table names from the models' metadata, the enrolments' query compiled by Django; every
    # value is a parameter.
    sql = (
        "WITH d AS MATERIALIZED (SELECT e.eid AS id, e.uid AS user_id, "  # noqa: S608
        "e.ecohort AS cohort_id, e.eside AS side, pr.department AS dept "
        f"FROM ({counted}) e LEFT JOIN {quote(Profile._meta.db_table)} pr "
        "ON pr.user_id = e.uid), "
        "v AS MATERIALIZED (SELECT p.id, p.cohort_id, p.status, p.published_at, p.junior_id, "
        "p.senior_id, CASE WHEN dj.id IS NOT NULL THEN dj.dept ELSE ds.dept END AS dept, "
        "t.pair_id AS logged, t.sessions, t.reverse_minutes, t.forward_minutes, "
        "t.both_minutes, t.last_held_on, "
        f"CASE WHEN p.status = %s AND ({quiet}) THEN 1 ELSE 0 END AS at_risk "
        f"FROM {pair} p LEFT JOIN d dj ON dj.id = p.junior_id "
        "LEFT JOIN d ds ON ds.id = p.senior_id "
        f"LEFT JOIN {totals} t ON t.pair_id = p.id "
        f"INNER JOIN {quote(Cohort._meta.db_table)} c ON c.id = p.cohort_id "
        "WHERE p.published_at IS NOT NULL AND (dj.id IS NOT NULL OR ds.id IS NOT NULL)), "
        "n AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM v) AS in_view, "
        f"(SELECT COUNT(*) FROM {pair} WHERE published_at IS NOT NULL) AS published) "
        + " UNION ALL ".join(branch for branch, _ in branches)
    )
    params = [*counted_params, active, *quiet_params]
    for _, branch_params in branches:
        params += branch_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _read(rows)


COUNTS = 1 + 2 * len(AREAS)  # the widest branch: the impact survey's


def _branch(
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


def _read(rows: list[tuple]) -> Census:
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


def _quiet_sql(cohorts: list[Cohort], today: date) -> tuple[str, list]:
    """A pair at risk, for the SQL above (pairs ``p``, totals ``t``, cohorts ``c``): no session
    for twice its cohort's meeting cadence, or, never having met, published that long ago. The
    local day of publication is before a day D when the publication is before D's first moment
    here."""
    cadences = sorted({cohort.meeting_cadence_days for cohort in cohorts})
    if not cadences:
        return "1 = 0", []
    zone = timezone.get_current_timezone()
    parts, params = [], []
    for days in cadences:
        before = today - timedelta(days=2 * days)
        parts.append(
            "(c.meeting_cadence_days = %s AND ((t.last_held_on IS NOT NULL AND "
            "t.last_held_on < %s) OR (t.last_held_on IS NULL AND p.published_at < %s)))"
        )
        params += [
            days,
            connection.ops.adapt_datefield_value(before),
            connection.ops.adapt_datetimefield_value(
                datetime.combine(before, time.min, tzinfo=zone)
            ),
        ]
    return " OR ".join(parts), params
