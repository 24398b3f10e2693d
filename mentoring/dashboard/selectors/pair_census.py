"""The pair half of the dashboard's census (census.py has the roster half): one SQL statement
over the pairs in view, read from the pair roster (mentoring.dashboard.roster) with each
pair's session totals, grouped:

- by cohort and department: how many pairs, how many active, how many logged, their sessions
  and minutes each way (sessions_log.rollups), how many at risk; each pair's hours count for
  its junior's department, or its senior's when the junior is outside the selection;
- the pairs on a plan, counted together by cohort, day of publication and plan summary
  (sessions_log.rollups.PairPlanSummary), for the plan figures;
- the quietest pairs at risk (for HR's list) and, when not every published pair is in view,
  the ids of those that are (the later reads filter by them).

A pair is in view when either member's enrolment is: counted (filters.counted_enrolments),
in the filtered cohort or programme, of the filtered department, among the viewer's people;
the same tests enrolments_in_view makes, asked of the members the roster holds. The roster
is brought up to date by the caller first (roster.ensure_fresh); this statement then reads
one narrow row per pair."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Case, F, Q, When
from django.db.models.expressions import Expression
from django.utils import timezone

from mentoring.dashboard.scope import Scope
from mentoring.dashboard.selectors.census import Census, branch, read, run
from mentoring.dashboard.selectors.filters import Filters
from mentoring.dashboard.sql import among_ids
from mentoring.models import Cohort
from pairing.models import Pair
from sessions_log.rollups import PairPlanSummary, PairRoster, PairSessionTotals


def pairs_in_view(scope: Scope, filters: Filters) -> tuple[str, tuple]:
    """The SQL of the roster's rows of the pairs in view: pair_id, cohort_id, status,
    published_at, junior_id, senior_id and dept, its junior's department, or its senior's
    when the junior is not in view."""
    junior: list[Q | Expression] = [Q(junior_counted=True)]
    senior: list[Q | Expression] = [Q(senior_counted=True)]
    if filters.department:
        junior.append(Q(junior_department__iexact=filters.department))
        senior.append(Q(senior_department__iexact=filters.department))
    if scope.user_ids is not None:
        junior.append(among_ids("junior_user_id", scope.user_ids))
        senior.append(among_ids("senior_user_id", scope.user_ids))
    junior_in, senior_in = Q(*junior), Q(*senior)
    rows = PairRoster.objects.all()
    if filters.cohort:
        rows = rows.filter(cohort=filters.cohort)
    elif filters.programme:
        rows = rows.filter(cohort__programme=filters.programme)
    return (
        rows.filter(junior_in | senior_in)
        .annotate(
            dept=Case(When(junior_in, then=F("junior_department")), default=F("senior_department"))
        )
        .values_list(
            "pair_id", "cohort_id", "status", "published_at", "junior_id", "senior_id", "dept"
        )
        .order_by()
        .query.sql_with_params()
    )


def pair_census(
    scope: Scope,
    filters: Filters,
    cohorts: list[Cohort],
    today: date,
    *,
    plan_cohorts: set[int],
    quiet_shown: int,
) -> Census:
    """``plan_cohorts``: cohorts whose programme has a plan; ``quiet_shown``: how many of the
    quietest pairs to name (0: none, for managers)."""
    quote = connection.ops.quote_name
    in_view, in_view_params = pairs_in_view(scope, filters)
    totals = quote(PairSessionTotals._meta.db_table)
    quiet, quiet_params = _quiet_sql(cohorts, today)
    active = Pair.Status.ACTIVE
    branches = [
        branch(
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
        branch("'count'", "NULL", "NULL", ["in_view", "published"], "FROM n"),
        # Ids only when some published pair is out of view (HR's usual view has them all).
        branch(
            "'pair'", "v.cohort_id", "NULL", ["v.id"], "FROM v, n WHERE n.in_view < n.published"
        ),
    ]
    if plan_cohorts:
        branches.append(
            branch(
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
            branch(
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
    # Table names from the models' metadata, the pairs' query compiled by Django; every value
    # is a parameter.
    sql = (
        "WITH v AS MATERIALIZED (SELECT p.pair_id AS id, p.cohort_id, p.status, "  # noqa: S608
        "p.published_at, p.junior_id, p.senior_id, p.dept, "
        "t.pair_id AS logged, t.sessions, t.reverse_minutes, t.forward_minutes, "
        "t.both_minutes, t.last_held_on, "
        f"CASE WHEN p.status = %s AND ({quiet}) THEN 1 ELSE 0 END AS at_risk "
        f"FROM ({in_view}) p LEFT JOIN {totals} t ON t.pair_id = p.pair_id "
        f"INNER JOIN {quote(Cohort._meta.db_table)} c ON c.id = p.cohort_id), "
        "n AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM v) AS in_view, "
        f"(SELECT COUNT(*) FROM {quote(PairRoster._meta.db_table)}) AS published) "
        + " UNION ALL ".join(part for part, _ in branches)
    )
    # In the order they appear: the CASE of v, then its FROM.
    return read(run(sql, [active, *quiet_params, *in_view_params], branches))


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
