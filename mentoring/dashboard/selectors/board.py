"""The dashboard's figures, computed in a fixed number of aggregate queries whatever the size
of the organisation (no per-pair or per-person queries)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from accounts.models import Skill
from mentoring.dashboard import charts
from mentoring.dashboard.impact import ImpactTable, Sentiment, impact, sentiment
from mentoring.dashboard.plan import PlanFigures, plan_figures
from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment, Programme
from pairing.models import Pair
from sessions_log.rollups import PairMonthTotals, PairSkillTotals

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
# Pairs listed by name under "Pairs at risk" (each row is four links and a form): the quietest
# this many; the figure above the list counts every one.
AT_RISK_SHOWN = 50


@dataclass(frozen=True)
class Filters:
    programme: Programme | None = None
    cohort: Cohort | None = None
    department: str = ""

    def described(self) -> list[tuple[str, str]]:
        """The filters in force, for the page's subtitle: (what, which)."""
        shown = []
        if self.programme:
            shown.append(("programme", self.programme.name))
        if self.cohort:
            shown.append(("cohort", self.cohort.name))
        if self.department:
            shown.append(("department", self.department))
        return shown

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
    junior_counted: bool  # the junior is among the people counted (not only the senior)
    sessions: int  # from the pair's session totals (sessions_log.rollups), 0 without any
    reverse_minutes: int
    forward_minutes: int
    both_minutes: int
    last_held_on: date | None


def _pair_rows(enrolments: QuerySet[Enrolment]) -> list[PairRow]:
    """The published pairs with at least one member among the counted enrolments, each with
    its session totals joined in: one query. Membership, the local day of publication and the
    missing totals are settled in SQL, so Python only wraps the rows."""
    counted = enrolments.values("pk")
    return [
        PairRow(*row)
        for row in Pair.objects.filter(published_at__isnull=False)
        .filter(Q(junior__in=counted) | Q(senior__in=counted))
        .values_list(
            "pk",
            "cohort_id",
            # Django resolves a Q as a boolean expression; the stubs only know Combinable.
            Q(status=Pair.Status.ACTIVE),  # type: ignore[arg-type]
            TruncDate("published_at"),
            Coalesce(NullIf("junior__user__profile__department", Value("")), Value("(none)")),
            Coalesce(NullIf("senior__user__profile__department", Value("")), Value("(none)")),
            "cohort__meeting_cadence_days",
            Exists(enrolments.filter(pk=OuterRef("junior_id"))),
            Coalesce("session_totals__sessions", 0),
            Coalesce("session_totals__reverse_minutes", 0),
            Coalesce("session_totals__forward_minutes", 0),
            Coalesce("session_totals__both_minutes", 0),
            "session_totals__last_held_on",
        )
        .order_by()
    ]


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
    at_risk: Sequence[Pair]  # each with its last_session
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


def _top_skills(pair_ids: list[int] | None) -> tuple[list, list]:
    """The ten skills most often covered each way (the logs' per-direction skills), over the
    given pairs (None: all pairs), from the per-pair skill totals: one grouped query, then the names."""
    if pair_ids is not None and not pair_ids:
        return [], []
    rows = PairSkillTotals.objects.all()
    if pair_ids is not None:
        rows = rows.filter(pair_id__in=among(pair_ids, "bigint"))
    # Grouped by skill id (from the covering index alone); names only for the few shown.
    by_id: dict[str, dict[int, int]] = {"reverse": {}, "forward": {}}
    for skill_id, way, n in (
        rows.values_list("skill_id", "way").annotate(Sum("sessions")).order_by()
    ):
        by_id[way][skill_id] = n
    top = {
        way: sorted(found.items(), key=lambda item: -item[1])[:40] for way, found in by_id.items()
    }
    names = dict(
        Skill.objects.filter(pk__in={pk for found in top.values() for pk, _ in found}).values_list(
            "pk", "name"
        )
    )
    counts = {way: {names[pk]: n for pk, n in found if pk in names} for way, found in top.items()}
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


def tenths_of_hours(minutes: int) -> int:
    """Minutes as tenths of an hour, halves rounded up (not to even, as round() would)."""
    return (minutes * 10 + 30) // 60


def _apportion(parts: dict[str, int], total_tenths: int) -> dict[str, int]:
    """Tenths of an hour per key that add up to ``total_tenths`` exactly (largest remainder):
    rows rounded one by one would drift from the headline by a tenth here and there."""
    exact = {key: minutes / 6 for key, minutes in parts.items()}
    shares = {key: int(value) for key, value in exact.items()}
    short = total_tenths - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[: max(short, 0)]:
        shares[key] += 1
    return shares


def _months(pair_ids: list[int] | None, since: date) -> list[dict]:
    """A year of months from the per-pair monthly totals: one grouped query over the rollup
    (a few rows per pair), never over the session logs."""
    rows = PairMonthTotals.objects.filter(month__gte=since)
    if pair_ids is not None:
        rows = rows.filter(pair_id__in=among(pair_ids, "bigint"))
    months = []
    for month, sessions, rev, fwd, both in (
        rows.values_list("month")
        .annotate(
            Sum("sessions"), Sum("reverse_minutes"), Sum("forward_minutes"), Sum("both_minutes")
        )
        .order_by("month")
    ):
        reverse, forward = rev + both // 2, fwd + both - both // 2
        months.append(
            {
                "month": month,
                "sessions": sessions,
                "reverse_hours": round(reverse / 60, 1),
                "forward_hours": round(forward / 60, 1),
            }
        )
    return months


def build(
    scope: Scope, filters: Filters, *, today: date | None = None, with_choices: bool = False
) -> Dashboard:
    today = today or timezone.localdate()
    enrolments = _enrolments(scope, filters)
    # People are counted once however many cohorts they are enrolled in (a person has one
    # department, so the per-department distinct counts add up); enrolments per side.
    per_department = list(
        enrolments.values_list(
            Coalesce(NullIf("user__profile__department", Value("")), Value("(none)"))
        )
        .annotate(
            people=Count("user_id", distinct=True),
            enrolled=Count("pk"),
            juniors=Count("pk", filter=Q(side=Enrolment.Side.JUNIOR)),
        )
        .order_by()
    )
    people_per_dept = {dept: people for dept, people, _, _ in per_department}
    enrolment_count = sum(n for _, _, n, _ in per_department)
    junior_enrolments = sum(n for _, _, _, n in per_department)
    pairs = _pair_rows(enrolments)
    pair_ids = [p.pk for p in pairs]
    # When the selection is every published pair (HR's usual view), filtering thousands of
    # ids is pure cost: read the tables whole.
    everything = len(pairs) == Pair.objects.filter(published_at__isnull=False).count()
    in_view = None if everything else pair_ids

    rev = sum(p.reverse_minutes for p in pairs)
    fwd = sum(p.forward_minutes for p in pairs)
    both = sum(p.both_minutes for p in pairs)
    # A "both ways" session counts half its time each way.
    reverse, forward = rev + both // 2, fwd + both - both // 2
    sessions = sum(p.sessions for p in pairs)
    minutes = rev + fwd + both

    at_risk_ids = []
    dept_minutes: dict[str, int] = {}
    for pair in pairs:
        pair_minutes = pair.reverse_minutes + pair.forward_minutes + pair.both_minutes
        if pair_minutes:
            # Each pair's hours count once, for the junior's department (or the senior's when
            # the junior is outside this selection), so the rows add up to the headline.
            dept = pair.junior_department if pair.junior_counted else pair.senior_department
            dept_minutes[dept] = dept_minutes.get(dept, 0) + pair_minutes
        if pair.active and (pair.last_held_on or pair.published_on) < today - timedelta(
            days=2 * pair.cadence_days
        ):
            at_risk_ids.append((pair.last_held_on, pair.pk))
    # The quietest pairs first (never met, then longest since their last session): HR works
    # down the list; the headline counts them all.
    at_risk_ids.sort(key=lambda item: (item[0] is not None, item[0] or today, item[1]))
    shown = {pk: rank for rank, (_, pk) in enumerate(at_risk_ids[:AT_RISK_SHOWN])}
    at_risk = (
        sorted(
            Pair.objects.filter(pk__in=list(shown))
            .select_related("cohort", "junior__user__profile", "senior__user__profile")
            .annotate(last_session=F("session_totals__last_held_on")),
            key=lambda pair: shown[pair.pk],
        )
        if scope.names_visible
        else []
    )

    since = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    months = _months(in_view, since)

    hours_tenths = _apportion(dept_minutes, tenths_of_hours(minutes))
    departments = [
        {
            "name": name,
            "people": people_per_dept.get(name, 0),
            "hours": hours_tenths.get(name, 0) / 10,
            "suppressed": scope.suppresses and people_per_dept.get(name, 0) < MIN_GROUP,
        }
        for name in sorted(set(people_per_dept) | set(dept_minutes))
    ]
    if scope.suppresses:
        _suppress_complement(departments)

    reverse_skills, forward_skills = _top_skills(in_view)
    people = sum(people_per_dept.values())
    suppressed = scope.suppresses and (
        people < MIN_GROUP or _complement_too_small(scope, filters, people)
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
        participants=people,
        enrolments=enrolment_count,
        juniors=_shown(junior_enrolments, scope),
        seniors=_shown(enrolment_count - junior_enrolments, scope),
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
        sentiment=None if suppressed else sentiment(in_view, scope, filters),
    )
    if not suppressed:
        board.plan = plan_figures(pairs, scope, today=today, everything=everything)
    if with_choices:
        filter_choices(board)
    return board


def filter_choices(dashboard: Dashboard) -> None:
    """Each filter offers only what the others leave: cohorts of the chosen programme that have
    people of the chosen department, departments present in the chosen programme or cohort,
    programmes with people of the chosen department. Two queries: the live cohorts, and which
    departments each has among the people this viewer may count. A chosen value always stays
    on offer, so it can be seen and cleared."""
    chosen = dashboard.filters
    cohorts = list(
        Cohort.objects.filter(archived_at__isnull=True, programme__archived_at__isnull=True)
        .select_related("programme")
        .order_by("programme__name", "-starts_on")
    )
    present = Enrolment.objects.filter(
        status=Enrolment.Status.ACTIVE, cohort__archived_at__isnull=True
    )
    if dashboard.scope.user_ids is not None:
        # A manager picks among their own line's departments, not the whole organisation's.
        present = present.filter(user_id__in=among(dashboard.scope.user_ids, "bigint"))
    departments_in: dict[int, set[str]] = {}
    for cohort_id, department in (
        present.values_list("cohort_id", "user__profile__department").distinct().order_by()
    ):
        if department:
            departments_in.setdefault(cohort_id, set()).add(department)
    wanted = chosen.department.lower()

    def has_department(cohort: Cohort) -> bool:
        return not wanted or any(d.lower() == wanted for d in departments_in.get(cohort.pk, ()))

    in_programme = [
        c for c in cohorts if not chosen.programme or c.programme_id == chosen.programme.pk
    ]
    dashboard.cohorts = [c for c in in_programme if has_department(c) or c == chosen.cohort]
    programmes = {c.programme_id: c.programme for c in cohorts if has_department(c)}
    if chosen.programme:
        programmes[chosen.programme.pk] = chosen.programme
    dashboard.programmes = sorted(programmes.values(), key=lambda p: p.name)
    narrowed = [chosen.cohort] if chosen.cohort else in_programme
    names = {d for c in narrowed for d in departments_in.get(c.pk, ())}
    if chosen.department and not any(d.lower() == wanted for d in names):
        names.add(chosen.department)
    dashboard.department_choices = sorted(names, key=str.lower)
