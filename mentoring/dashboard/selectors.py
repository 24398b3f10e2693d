"""The dashboard's figures, computed in a fixed number of aggregate queries whatever the size
of the organisation (no per-pair or per-person queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mentoring.dashboard.impact import ImpactTable, Sentiment, impact, sentiment
from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.models import Cohort, Enrolment, Programme
from pairing.models import Pair
from sessions_log.models import SessionLog


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
    if slug := params.get("programme", "").strip():
        programme = Programme.objects.filter(slug=slug[:80]).first()
    if slug := params.get("cohort", "").strip():
        cohort = Cohort.objects.select_related("programme").filter(slug=slug[:80]).first()
        if cohort and programme and cohort.programme_id != programme.pk:
            cohort = None
    department = params.get("department", "").strip()[:200]
    return Filters(programme=programme, cohort=cohort, department=department)


def _enrolments(scope: Scope, filters: Filters) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE,
                                  cohort__archived_at__isnull=True)
    if filters.cohort:
        qs = qs.filter(cohort=filters.cohort)
    elif filters.programme:
        qs = qs.filter(cohort__programme=filters.programme)
    if filters.department:
        qs = qs.filter(user__profile__department__iexact=filters.department)
    if scope.user_ids is not None:
        qs = qs.filter(user_id__in=scope.user_ids)
    return qs


def _pairs(enrolments: QuerySet[Enrolment]) -> QuerySet[Pair]:
    ids = enrolments.values("pk")
    return Pair.objects.filter(Q(junior__in=ids) | Q(senior__in=ids),
                               published_at__isnull=False)


@dataclass
class Suppressible:
    """A figure over a group of people; hidden when the group is too small to stay anonymous."""

    value: float | int | None
    people: int
    suppressed: bool = False


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    participants: int
    juniors: int
    seniors: int
    active_pairs: int
    ended_pairs: int
    sessions: int
    minutes: int
    reverse_minutes: int
    forward_minutes: int
    sessions_per_pair: float
    at_risk_count: int
    at_risk: list[dict]
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


def _minutes_by_direction(logs: QuerySet[SessionLog]) -> dict:
    return logs.aggregate(
        sessions=Count("pk"),
        total=Sum("minutes"),
        reverse=Sum("minutes", filter=Q(direction="reverse")),
        forward=Sum("minutes", filter=Q(direction="forward")),
        both=Sum("minutes", filter=Q(direction="both")),
    )


def _split(row: dict) -> tuple[int, int]:
    both = row.get("both") or 0
    return (row.get("reverse") or 0) + both // 2, (row.get("forward") or 0) + both - both // 2


def _top_skills(logs: QuerySet[SessionLog], directions: tuple[str, ...]) -> list[tuple[str, int]]:
    through = SessionLog.skills.through
    rows = (through.objects.filter(sessionlog__in=logs.filter(direction__in=directions)
                                   .values("pk"))
            .values("skill__name").annotate(n=Count("pk")).order_by("-n", "skill__name")[:10])
    return [(row["skill__name"], row["n"]) for row in rows]


def at_risk_pairs(pairs: QuerySet[Pair], today: date) -> QuerySet[Pair]:
    """Active pairs with no session for twice their cohort's meeting cadence (counted from
    publication when they have never met)."""
    cadences = Cohort.objects.filter(pk__in=pairs.values("cohort_id")).values_list(
        "pk", "meeting_cadence_days")
    quiet = Q(pk__in=[])
    for cohort_id, cadence in cadences:
        cutoff = today - timedelta(days=2 * cadence)
        quiet |= Q(cohort_id=cohort_id) & (
            Q(last_session__lt=cutoff)
            | Q(last_session__isnull=True, published_at__date__lt=cutoff))
    return (pairs.filter(status=Pair.Status.ACTIVE)
            .annotate(last_session=Max("session_logs__held_on")).filter(quiet))


def build(scope: Scope, filters: Filters, *, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    enrolments = _enrolments(scope, filters)
    sides = enrolments.aggregate(
        people=Count("user", distinct=True),
        juniors=Count("pk", filter=Q(side="junior")),
        seniors=Count("pk", filter=Q(side="senior")),
    )
    pairs = _pairs(enrolments)
    pair_counts = pairs.aggregate(active=Count("pk", filter=Q(status="active")),
                                  ended=Count("pk", filter=Q(status="ended")))
    logs = SessionLog.objects.filter(pair__in=pairs.values("pk"))
    totals = _minutes_by_direction(logs)
    reverse, forward = _split(totals)
    total_pairs = (pair_counts["active"] or 0) + (pair_counts["ended"] or 0)

    risky = list(
        at_risk_pairs(pairs, today)
        .select_related("cohort", "junior__user__profile", "senior__user__profile")
        .order_by("last_session", "pk")[:200]
    ) if scope.names_visible else []
    at_risk_count = (len(risky) if scope.names_visible
                     else at_risk_pairs(pairs, today).count())

    months = []
    since = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    for row in (logs.filter(held_on__gte=since).annotate(month=TruncMonth("held_on"))
                .values("month").annotate(
                    sessions=Count("pk"),
                    reverse=Sum("minutes", filter=Q(direction="reverse")),
                    forward=Sum("minutes", filter=Q(direction="forward")),
                    both=Sum("minutes", filter=Q(direction="both")))
                .order_by("month")):
        rev, fwd = _split(row)
        months.append({"month": row["month"], "sessions": row["sessions"],
                       "reverse_hours": round(rev / 60, 1), "forward_hours": round(fwd / 60, 1)})
    peak = max((m["reverse_hours"] + m["forward_hours"] for m in months), default=0) or 1
    for m in months:
        m["reverse_pct"] = round(100 * m["reverse_hours"] / peak)
        m["forward_pct"] = round(100 * m["forward_hours"] / peak)

    departments = []
    dept_people = {
        row["user__profile__department"] or "(none)": row["n"]
        for row in enrolments.values("user__profile__department")
        .annotate(n=Count("user", distinct=True))
    }
    # A session counts for the department of each of its two people.
    dept_minutes: dict[str, int] = {}
    for member in ("junior", "senior"):
        for row in (logs.values(dept=F(f"pair__{member}__user__profile__department"))
                    .annotate(m=Sum("minutes"))):
            key = row["dept"] or "(none)"
            dept_minutes[key] = dept_minutes.get(key, 0) + (row["m"] or 0)
    for name, people in sorted(dept_people.items()):
        hidden = scope.suppresses and people < MIN_GROUP
        departments.append({"name": name, "people": None if hidden else people,
                            "hours": None if hidden else round(dept_minutes.get(name, 0) / 60, 1),
                            "suppressed": hidden})

    suppressed = scope.suppresses and (sides["people"] or 0) < MIN_GROUP
    return Dashboard(
        scope=scope, filters=filters,
        participants=sides["people"] or 0, juniors=sides["juniors"] or 0,
        seniors=sides["seniors"] or 0,
        active_pairs=pair_counts["active"] or 0, ended_pairs=pair_counts["ended"] or 0,
        sessions=totals["sessions"] or 0, minutes=totals["total"] or 0,
        reverse_minutes=reverse, forward_minutes=forward,
        sessions_per_pair=round((totals["sessions"] or 0) / total_pairs, 1) if total_pairs else 0,
        at_risk_count=at_risk_count, at_risk=risky,
        reverse_skills=_top_skills(logs, ("reverse", "both")),
        forward_skills=_top_skills(logs, ("forward", "both")),
        months=months, departments=departments, suppressed=suppressed,
        impact=None if suppressed else impact(enrolments),
        sentiment=None if suppressed else sentiment(pairs, enrolments),
    )


def filter_choices(dashboard: Dashboard) -> None:
    dashboard.programmes = list(Programme.objects.filter(archived_at__isnull=True))
    cohorts = Cohort.objects.filter(archived_at__isnull=True).select_related("programme")
    if dashboard.filters.programme:
        cohorts = cohorts.filter(programme=dashboard.filters.programme)
    dashboard.cohorts = list(cohorts)
    from accounts.models import Profile

    dashboard.department_choices = list(
        Profile.objects.exclude(department="").order_by("department")
        .values_list("department", flat=True).distinct()
    )
