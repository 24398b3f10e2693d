"""The dashboard's figures, computed in a fixed number of grouped queries whatever the size of
the organisation: no per-pair or per-person queries, and no pair or person read into Python
but the few listed by name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import charts
from mentoring.dashboard import roster as dashboard_roster
from mentoring.dashboard.impact import ImpactTable, Sentiment, impact, sentiment
from mentoring.dashboard.plan import PlanFigures, plan_figures, plans_of
from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.dashboard.selectors import activity, people
from mentoring.dashboard.selectors import pairs as pair_rows
from mentoring.dashboard.selectors.census import Census, roster_census
from mentoring.dashboard.selectors.filters import Filters
from mentoring.dashboard.selectors.numbers import (
    apportion,
    shown,
    suppress_complement,
    tenths_of_hours,
)
from mentoring.dashboard.selectors.pair_census import pair_census
from mentoring.dashboard.selectors.pairs import AtRiskPair
from mentoring.dashboard.sql import among_ids
from mentoring.models import Cohort, Programme
from pairing.models import Pair


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    participants: int  # people, each counted once
    enrolments: int  # a person enrolled in two cohorts is two enrolments
    juniors: int | None  # enrolments as junior; None: fewer than MIN_GROUP, hidden
    seniors: int | None  # enrolments as senior
    active_pairs: int | None
    ended_pairs: int | None
    sessions: int | None
    minutes: int
    reverse_minutes: int
    forward_minutes: int
    sessions_per_pair: float
    at_risk_count: int | None
    at_risk: Sequence[AtRiskPair]  # the quietest, for HR; none for managers
    reverse_skills: list[tuple[str, int]]
    forward_skills: list[tuple[str, int]]
    months: list[dict]
    departments: list[dict]
    suppressed: bool
    impact: ImpactTable | None = None
    sentiment: Sentiment | None = None
    programmes: list[Programme] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    department_choices: list[str] = field(default_factory=list)
    plan: PlanFigures | None = None

    @property
    def months_chart(self) -> charts.Chart:
        return charts.hours_per_month(self.months)

    @property
    def pulse_chart(self) -> charts.Chart | None:
        return charts.pulse_by_check_in(self.sentiment.pulse_periods) if self.sentiment else None

    @property
    def hours(self) -> float:
        return tenths_of_hours(self.minutes) / 10

    @property
    def reverse_share(self) -> int:
        total = self.reverse_minutes + self.forward_minutes
        return round(100 * self.reverse_minutes / total) if total else 0

    @property
    def forward_share(self) -> int:
        total = self.reverse_minutes + self.forward_minutes
        return 100 - self.reverse_share if total else 0


def build(
    scope: Scope, filters: Filters, *, today: date | None = None, with_choices: bool = False
) -> Dashboard:
    today = today or timezone.localdate()
    if connection.vendor != "postgresql":
        return _build(scope, filters, today, with_choices)
    with transaction.atomic(), connection.cursor() as cursor:
        # These reads group tens of thousands of rows once each: PostgreSQL's JIT compiles a
        # query for longer than it then runs (about 50 ms a query at 50,000 people), parallel
        # workers on a small shared machine only build the same hash tables twice, and the
        # census (census.py) sorts and hashes its 80,000 enrolments in memory with 32 MB where
        # the default 4 MB spills them to disk. For this transaction only.
        cursor.execute(
            "SELECT set_config('jit', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('work_mem', '32MB', true)"
        )
        return _build(scope, filters, today, with_choices)


@dataclass(frozen=True)
class _Roster:
    """What the board reads of the roster alone (cache.roster_cached keeps it)."""

    census: Census
    complement_too_small: bool  # people.complement_too_small, for managers
    departments_in: dict[int, set[str]] | None  # people.departments_per_cohort, if filtered


def _roster_figures(scope: Scope, filters: Filters) -> _Roster:
    counted = roster_census(scope, filters)
    participants = sum(counted.people.values())
    filtered = bool(filters.programme or filters.cohort or filters.department)
    return _Roster(
        census=counted,
        complement_too_small=scope.suppresses
        and people.complement_too_small(scope, filters, participants),
        # Unfiltered, the census counted exactly the people the choices offer.
        departments_in=people.departments_per_cohort(scope) if filtered else None,
    )


def _build(scope: Scope, filters: Filters, today: date, with_choices: bool) -> Dashboard:
    # Every cohort (a few dozen rows), with its programme and its session totals.
    cohorts = list(
        Cohort.objects.select_related("programme", "session_totals").order_by(
            "programme__name", "-starts_on", "pk"
        )
    )
    cohort_by_id = {cohort.pk: cohort for cohort in cohorts}
    plans = plans_of({c.programme_id for c in cohorts if c.archived_at is None})
    # The rosters brought up to date with the writes since the last render (roster.py).
    dashboard_roster.ensure_fresh()
    # The roster's figures, kept until the roster changes; the pairs' figures, every time.
    try:
        version = dashboard_cache.roster_version()
    except Exception:  # no cache: the roster's figures are computed
        version = -1
    roster = dashboard_cache.roster_cached(
        version=version, scope=scope, filters=filters, build=lambda: _roster_figures(scope, filters)
    )
    counted = roster.census
    paired = pair_census(
        scope,
        filters,
        cohorts,
        today,
        plan_cohorts={c.pk for c in cohorts if c.programme_id in plans.steps},
        quiet_shown=pair_rows.AT_RISK_SHOWN if scope.names_visible else 0,
    )
    counted = replace(
        counted,
        pairs=paired.pairs,
        plan=paired.plan,
        quietest=paired.quietest,
        pair_ids=paired.pair_ids,
        pair_ids_of=paired.pair_ids_of,
    )
    figures = counted.pairs
    pair_ids = counted.pair_ids  # None: every published pair is in view
    selected = (
        Pair.objects.filter(published_at__isnull=False)
        if pair_ids is None
        else Pair.objects.filter(among_ids("pk", pair_ids))
    )
    pairs = figures.total("pairs")

    rev, fwd, both = (figures.total(name) for name in activity.MINUTES)
    # A "both ways" session counts half its time each way.
    reverse, forward = rev + both // 2, fwd + both - both // 2
    sessions = figures.total("sessions")
    minutes = rev + fwd + both
    active = figures.total("active")

    whole = activity.whole_cohorts(figures, cohort_by_id)
    partial = {pk for pk, cohort in figures.cohorts.items() if cohort.logged} - whole
    since = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    # Only the partial cohorts' pairs: a whole cohort's are counted in its cohort's totals.
    partial_ids = (
        None if pair_ids is None else [pk for c in partial for pk in counted.pair_ids_of.get(c, ())]
    )
    partial_packs = activity.packs(partial, partial_ids)
    months = activity.months(whole, partial_packs, since)
    reverse_skills, forward_skills = activity.top_skills(whole, partial_packs)

    people_per_dept = counted.people
    hours_tenths = apportion(figures.department_minutes, tenths_of_hours(minutes))
    departments = [
        {
            "name": name,
            "people": people_per_dept.get(name, 0),
            "hours": hours_tenths.get(name, 0) / 10,
            "suppressed": scope.suppresses and people_per_dept.get(name, 0) < MIN_GROUP,
        }
        for name in sorted(set(people_per_dept) | set(figures.department_minutes))
    ]
    if scope.suppresses:
        suppress_complement(departments)

    participants = sum(people_per_dept.values())
    enrolled = sum(counted.enrolments.values())
    juniors = sum(counted.juniors.values())
    suppressed = scope.suppresses and (participants < MIN_GROUP or roster.complement_too_small)
    if scope.suppresses:
        # A manager learns no count under MIN_GROUP: "1 pair at risk" in a small team names
        # somebody. A skill covered in fewer sessions is left out, name and count together.
        for month in months:
            month["sessions"] = shown(month["sessions"])
        reverse_skills = [(name, n) for name, n in reverse_skills if n >= MIN_GROUP]
        forward_skills = [(name, n) for name, n in forward_skills if n >= MIN_GROUP]
    board = Dashboard(
        scope=scope,
        filters=filters,
        participants=participants,
        enrolments=enrolled,
        juniors=shown(juniors, scope),
        seniors=shown(enrolled - juniors, scope),
        active_pairs=shown(active, scope),
        ended_pairs=shown(pairs - active, scope),
        sessions=shown(sessions, scope),
        minutes=minutes,
        reverse_minutes=reverse,
        forward_minutes=forward,
        sessions_per_pair=round(sessions / pairs, 1) if pairs else 0,
        at_risk_count=shown(figures.total("at_risk"), scope),
        at_risk=pair_rows.named(counted.quietest, cohort_by_id),
        reverse_skills=reverse_skills,
        forward_skills=forward_skills,
        months=months,
        departments=departments,
        suppressed=suppressed,
        impact=None if suppressed else impact(counted.impact),
        sentiment=None if suppressed else sentiment(pair_ids, scope, filters),
    )
    if not suppressed:
        in_plan = {g.cohort_id for g in counted.plan}
        board.plan = plan_figures(
            counted.plan,
            plans,
            cohort_by_id,
            lambda: selected.filter(
                cohort_id__in=in_plan,
                status=Pair.Status.ACTIVE,
                plan_summary__own_order=True,
            ),
            scope,
            today=today,
        )
    if with_choices:
        departments_in = roster.departments_in
        choices = people.filter_choices(
            scope,
            filters,
            cohorts,
            counted.departments_in if departments_in is None else departments_in,
        )
        board.programmes = choices.programmes
        board.cohorts = choices.cohorts
        board.department_choices = choices.departments
    return board
