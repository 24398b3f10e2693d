"""The dashboard's figures, computed in a fixed number of aggregate queries whatever the size
of the organisation (no per-pair or per-person queries)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Skill
from mentoring.dashboard.impact import ImpactTable, Sentiment, impact, sentiment
from mentoring.dashboard.plan import PlanFigures, plan_figures
from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment, Programme
from pairing.models import Pair
from sessions_log.models import SessionLog

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


@dataclass(frozen=True)
class Filters:
    programme: Programme | None = None
    cohort: Cohort | None = None
    department: str = ""

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.programme:
            query["programme"] = self.programme.slug
        if self.cohort:
            query["cohort"] = self.cohort.slug
        if self.department:
            query["department"] = self.department
        return query


def parse_filters(params) -> Filters:
    """Unknown or malformed values are ignored rather than failing the page."""
    programme = cohort = None
    if (slug := params.get("programme", "").strip()) and _SLUG.fullmatch(slug):
        programme = Programme.objects.filter(slug=slug).first()
    if (slug := params.get("cohort", "").strip()) and _SLUG.fullmatch(slug):
        cohort = Cohort.objects.select_related("programme").filter(slug=slug).first()
        if cohort and programme and cohort.programme_id != programme.pk:
            cohort = None
    department = "".join(ch for ch in params.get("department", "") if ch.isprintable())
    return Filters(programme=programme, cohort=cohort, department=department.strip()[:200])


def _enrolments(scope: Scope, filters: Filters) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, cohort__archived_at__isnull=True)
    if filters.cohort:
        qs = qs.filter(cohort=filters.cohort)
    elif filters.programme:
        qs = qs.filter(cohort__programme=filters.programme)
    if filters.department:
        qs = qs.filter(user__profile__department__iexact=filters.department)
    if scope.user_ids is not None:
        qs = qs.filter(user_id__in=among(scope.user_ids, "bigint"))
    return qs


class PairRow(NamedTuple):
    pk: int
    cohort_id: int
    active: bool
    published_on: date
    junior_department: str
    senior_department: str
    cadence_days: int


def _pair_rows(enrolments: QuerySet[Enrolment], people: set[int]) -> list[PairRow]:
    """The published pairs with at least one member among the counted people: one query,
    materialised so every later aggregate filters on a plain list of ids."""
    rows = (
        Pair.objects.filter(
            published_at__isnull=False, cohort__in=enrolments.values("cohort_id").distinct()
        )
        .annotate(published_on=TruncDate("published_at"))
        .values_list(
            "pk",
            "cohort_id",
            "status",
            "published_on",
            "junior_id",
            "senior_id",
            "junior__user__profile__department",
            "senior__user__profile__department",
            "cohort__meeting_cadence_days",
        )
    )
    active = Pair.Status.ACTIVE
    return [
        PairRow(
            pk,
            cohort_id,
            status == active,
            published,
            jdept or "(none)",
            sdept or "(none)",
            cadence,
        )
        for pk, cohort_id, status, published, junior, senior, jdept, sdept, cadence in rows
        if junior in people or senior in people
    ]


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    participants: int
    juniors: int | None  # None: fewer than MIN_GROUP, hidden from this viewer
    seniors: int | None
    active_pairs: int | None
    ended_pairs: int | None
    sessions: int | None
    minutes: int
    reverse_minutes: int
    forward_minutes: int
    sessions_per_pair: float
    at_risk_count: int | None
    at_risk: list[Pair]
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
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def reverse_share(self) -> int:
        total = self.reverse_minutes + self.forward_minutes
        return round(100 * self.reverse_minutes / total) if total else 0

    @property
    def forward_share(self) -> int:
        total = self.reverse_minutes + self.forward_minutes
        return 100 - self.reverse_share if total else 0


def _split(minutes: int, direction: str) -> tuple[int, int]:
    """Minutes that went junior → senior and senior → junior; 'both' counts half each way."""
    if direction == "reverse":
        return minutes, 0
    if direction == "forward":
        return 0, minutes
    return minutes // 2, minutes - minutes // 2


def _top_skills(pair_ids: list[int] | None) -> tuple[list, list]:
    """The ten skills most often covered each way, over the given pairs (None: all pairs).
    Raw SQL so the join is driven from the session logs (SQLite would otherwise look every
    skill row's session up by key, several times slower)."""
    if pair_ids is not None and not pair_ids:
        return [], []
    logs = SessionLog._meta.db_table
    skills = Skill._meta.db_table
    join = "JOIN" if connection.vendor == "postgresql" else "CROSS JOIN"  # SQLite: keep order
    if pair_ids is None:
        where, params = "", []
    elif connection.vendor == "postgresql":
        where, params = "WHERE l.pair_id = ANY(%s)", [list(pair_ids)]
    else:
        where = f"WHERE l.pair_id IN ({', '.join(['%s'] * len(pair_ids))})"
        params = list(pair_ids)
    counts: dict[str, dict[str, int]] = {"reverse": {}, "forward": {}}
    # Each log records the skills covered each way (skills_reverse, skills_forward). Only
    # table names, fixed words and placeholders are interpolated; every value is a parameter.
    sql = " UNION ALL ".join(
        f"SELECT k.name, '{way}', COUNT(*) FROM {logs} l {join} {through} s "  # noqa: S608
        f"ON s.sessionlog_id = l.id JOIN {skills} k ON k.id = s.skill_id "
        f"{where} GROUP BY k.name"
        for way, through in (
            (way, getattr(SessionLog, f"skills_{way}").through._meta.db_table) for way in counts
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 2)
        for name, way, n in cursor.fetchall():
            counts[way][name] = n
    ranked = [
        sorted(c.items(), key=lambda item: (-item[1], item[0]))[:10]
        for c in (counts["reverse"], counts["forward"])
    ]
    return ranked[0], ranked[1]


def _shown(count: int, scope: Scope | None = None) -> int | None:
    """The count, or None where the viewer may not learn it (a count under MIN_GROUP for a
    viewer whose scope suppresses; without a scope the caller has already decided)."""
    if scope is not None and not scope.suppresses:
        return count
    return count if count >= MIN_GROUP else None


def _suppress_complement(departments: list[dict]) -> None:
    """Hiding the small rows is not enough while the total is shown: total minus the rows
    shown gives the hidden ones back. Hide the next smallest rows until what is hidden adds up
    to MIN_GROUP people or more, then blank every hidden cell."""
    hidden = sum(row["people"] for row in departments if row["suppressed"])
    for row in sorted(departments, key=lambda row: row["people"]):
        if not 0 < hidden < MIN_GROUP:
            break
        if not row["suppressed"]:
            row["suppressed"] = True
            hidden += row["people"]
    for row in departments:
        if row["suppressed"]:
            row["people"] = row["hours"] = None


def _complement_too_small(scope: Scope, filters: Filters, people: int) -> bool:
    """A filtered board next to the unfiltered one gives away their difference: when the
    people a filter leaves out are fewer than MIN_GROUP (and not none), the filtered board is
    hidden as if it were that small group."""
    wider = []
    if filters.department:
        wider.append(replace(filters, department=""))
    if filters.cohort:
        wider.append(replace(filters, cohort=None))
    for unfiltered in wider:
        left_out = _enrolments(scope, unfiltered).values("user_id").distinct().count() - people
        if 0 < left_out < MIN_GROUP:
            return True
    return False


def build(
    scope: Scope, filters: Filters, *, today: date | None = None, with_choices: bool = False
) -> Dashboard:
    today = today or timezone.localdate()
    enrolments = _enrolments(scope, filters)
    enrolled = list(enrolments.values_list("pk", "user_id", "side"))
    enrolment_ids = {pk for pk, _, _ in enrolled}
    sides = {
        "people": len({user_id for _, user_id, _ in enrolled}),
        "juniors": sum(1 for _, _, side in enrolled if side == "junior"),
        "seniors": sum(1 for _, _, side in enrolled if side == "senior"),
    }
    pairs = _pair_rows(enrolments, enrolment_ids)
    pair_ids = [p.pk for p in pairs]
    # When the selection is every published pair (HR's usual view), filtering thousands of
    # ids is pure cost: read the tables whole.
    everything = len(pairs) == Pair.objects.filter(published_at__isnull=False).count()
    logs = (
        SessionLog.objects.all()
        if everything
        else SessionLog.objects.filter(pair_id__in=among(pair_ids, "bigint"))
    )

    # One pass over the logs grouped by pair and direction gives the totals, the balance, the
    # per-department hours and each pair's last session.
    per_pair: dict[int, dict] = {}
    sessions = minutes = reverse = forward = 0
    for pair_id, direction, n, total, last in (
        logs.values_list("pair_id", "direction")
        .annotate(n=Count("pk"), total=Sum("minutes"), last=Max("held_on"))
        .order_by()
    ):
        sessions += n
        minutes += total
        rev, fwd = _split(total, direction)
        reverse += rev
        forward += fwd
        row = per_pair.setdefault(pair_id, {"minutes": 0, "last": last})
        row["minutes"] += total
        row["last"] = max(row["last"], last)

    at_risk_ids = []
    dept_minutes: dict[str, int] = {}
    for pair in pairs:
        row = per_pair.get(pair.pk)
        if row:
            for dept in (pair.junior_department, pair.senior_department):
                dept_minutes[dept] = dept_minutes.get(dept, 0) + row["minutes"]
        last = row["last"] if row else pair.published_on
        if pair.active and last < today - timedelta(days=2 * pair.cadence_days):
            at_risk_ids.append(pair.pk)
    at_risk = (
        list(
            Pair.objects.filter(pk__in=at_risk_ids[:200])
            .select_related("cohort", "junior__user__profile", "senior__user__profile")
            .annotate(last_session=Max("session_logs__held_on"))
            .order_by("last_session", "pk")
        )
        if scope.names_visible
        else []
    )

    by_month: dict[date, dict] = {}
    since = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    # Grouped by day, not by a truncated month: SQLite would call a Python function per row.
    for day, direction, n, total in (
        logs.filter(held_on__gte=since)
        .values_list("held_on", "direction")
        .annotate(n=Count("pk"), total=Sum("minutes"))
        .order_by()
    ):
        month = day.replace(day=1)
        row = by_month.setdefault(month, {"month": month, "sessions": 0, "rev": 0, "fwd": 0})
        rev, fwd = _split(total, direction)
        row["sessions"] += n
        row["rev"] += rev
        row["fwd"] += fwd
    months = [
        {
            "month": m["month"],
            "sessions": m["sessions"],
            "reverse_hours": round(m["rev"] / 60, 1),
            "forward_hours": round(m["fwd"] / 60, 1),
        }
        for m in sorted(by_month.values(), key=lambda m: m["month"])
    ]
    peak = max((m["reverse_hours"] + m["forward_hours"] for m in months), default=0) or 1
    for m in months:
        m["reverse_pct"] = round(100 * m["reverse_hours"] / peak)
        m["forward_pct"] = round(100 * m["forward_hours"] / peak)

    departments = []
    for name, people in sorted(
        (row["user__profile__department"] or "(none)", row["n"])
        for row in enrolments.values("user__profile__department")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    ):
        departments.append(
            {
                "name": name,
                "people": people,
                "hours": round(dept_minutes.get(name, 0) / 60, 1),
                "suppressed": scope.suppresses and people < MIN_GROUP,
            }
        )
    if scope.suppresses:
        _suppress_complement(departments)

    reverse_skills, forward_skills = _top_skills(None if everything else pair_ids)
    suppressed = scope.suppresses and (
        (sides["people"] or 0) < MIN_GROUP
        or _complement_too_small(scope, filters, sides["people"] or 0)
    )
    active = sum(1 for p in pairs if p.active)
    sessions_per_pair = round(sessions / len(pairs), 1) if pairs else 0
    if scope.suppresses:
        # A manager learns no count under MIN_GROUP: "1 pair at risk" in a small team names
        # somebody. A skill covered in fewer sessions is left out, name and count together.
        for month in months:
            month["sessions"] = _shown(month["sessions"])
        reverse_skills = [(name, n) for name, n in reverse_skills if n >= MIN_GROUP]
        forward_skills = [(name, n) for name, n in forward_skills if n >= MIN_GROUP]
    board = Dashboard(
        scope=scope,
        filters=filters,
        participants=sides["people"] or 0,
        juniors=_shown(sides["juniors"] or 0, scope),
        seniors=_shown(sides["seniors"] or 0, scope),
        active_pairs=_shown(active, scope),
        ended_pairs=_shown(len(pairs) - active, scope),
        sessions=_shown(sessions, scope),
        minutes=minutes,
        reverse_minutes=reverse,
        forward_minutes=forward,
        sessions_per_pair=sessions_per_pair,
        at_risk_count=_shown(len(at_risk_ids), scope),
        at_risk=at_risk,
        reverse_skills=reverse_skills,
        forward_skills=forward_skills,
        months=months,
        departments=departments,
        suppressed=suppressed,
        impact=None if suppressed else impact(enrolments),
        sentiment=None
        if suppressed
        else sentiment(None if everything else pair_ids, scope, filters),
    )
    if not suppressed:
        board.plan = plan_figures(pairs, scope, today=today, everything=everything)
    if with_choices:
        filter_choices(board)
    return board


def filter_choices(dashboard: Dashboard) -> None:
    """Programmes (those with a live cohort) and cohorts in one query; departments in another."""
    cohorts = list(
        Cohort.objects.filter(archived_at__isnull=True, programme__archived_at__isnull=True)
        .select_related("programme")
        .order_by("programme__name", "-starts_on")
    )
    programmes = {cohort.programme_id: cohort.programme for cohort in cohorts}
    dashboard.programmes = sorted(programmes.values(), key=lambda p: p.name)
    chosen = dashboard.filters.programme
    dashboard.cohorts = [c for c in cohorts if not chosen or c.programme_id == chosen.pk]
    from accounts.models import Profile

    profiles = Profile.objects.exclude(department="")
    if dashboard.scope.user_ids is not None:
        # A manager picks among their own line's departments, not the whole organisation's.
        profiles = profiles.filter(user_id__in=among(dashboard.scope.user_ids, "bigint"))
    dashboard.department_choices = list(
        profiles.order_by("department").values_list("department", flat=True).distinct()
    )
