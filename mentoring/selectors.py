"""Reads that cross relations, shaped for the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.completion import (
    COMPLETION_PARTS,
    completion_percent,
)
from accounts.models import ProfileSkill
from mentoring.applications.models import Application, ApplicationCall
from mentoring.models import Cohort, Enrolment, Programme


def programmes_overview() -> QuerySet[Programme]:
    return Programme.objects.filter(archived_at__isnull=True).prefetch_related(
        _cohorts_with_counts_prefetch()
    )


def _count(queryset) -> Subquery:
    """A correlated COUNT: joining enrolments and pairs in one GROUP BY would multiply rows
    (5,000 people x 2,500 pairs per cohort) and take seconds."""
    return Subquery(
        queryset.order_by().values("cohort").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def _cohorts_with_counts_prefetch():
    from django.db.models import Prefetch

    active = Enrolment.objects.filter(cohort=OuterRef("pk"), status="active")
    # Through the reverse relation's model: the core counts pairs without importing pairing.
    pair_model = Cohort._meta.get_field("pairs").related_model
    return Prefetch(
        "cohorts",
        queryset=Cohort.objects.filter(archived_at__isnull=True)
        .annotate(
            juniors=Coalesce(_count(active.filter(side="junior")), 0),
            seniors=Coalesce(_count(active.filter(side="senior")), 0),
            # A correlated count too: a join grouped with the two subqueries above re-ran them
            # for every pair row (10 s on HR's home at 5,000 people).
            active_pairs=Coalesce(
                _count(pair_model._default_manager.filter(cohort=OuterRef("pk"), status="active")),
                0,
            ),
        )
        .order_by("-starts_on", "name"),
    )


def participant_enrolments(user) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(user=user, status="active")
        .select_related("cohort__programme")
        .order_by("-cohort__starts_on")
    )


@dataclass(frozen=True)
class OpenCall:
    """A cohort a signed-in person may apply to, and whether they already did."""

    cohort: Cohort
    closes_at: datetime | None
    applied: bool


def open_calls_for(user) -> list[OpenCall]:
    """Cohorts open for applications that ``user`` is not already taking part in."""
    now = timezone.now()
    calls = list(
        ApplicationCall.objects.filter(is_open=True, cohort__archived_at__isnull=True)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .exclude(cohort__in=Enrolment.objects.filter(user=user, status="active").values("cohort"))
        .select_related("cohort__programme")
        .order_by("closes_at", "cohort__name")
    )
    applied = set(
        Application.objects.filter(user=user, cohort__in=[c.cohort_id for c in calls]).values_list(
            "cohort_id", flat=True
        )
    )
    return [
        OpenCall(cohort=c.cohort, closes_at=c.closes_at, applied=c.cohort_id in applied)
        for c in calls
    ]


# --- Cohort page (HR) -----------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentRow:
    """One person on the cohort page, as HR sees them."""

    pk: int
    user_id: int
    email: str
    full_name: str
    job_title: str
    department: str
    side: str
    capacity: int
    status: str
    invited_at: datetime | None
    invitations_sent: int
    accepted: bool
    missing: tuple[str, ...]

    @property
    def completion(self) -> int:
        return completion_percent(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def invitation_state(self) -> str:
        if self.accepted:
            return "accepted"
        return "invited" if self.invited_at else "not_invited"


@dataclass(frozen=True)
class SkillBalance:
    name: str
    supply: int
    demand: int

    @property
    def gap(self) -> int:
        """Positive: more people want it than can teach it."""
        return self.demand - self.supply

    @property
    def surplus(self) -> int:
        return self.supply - self.demand


@dataclass
class CohortOverview:
    cohort: Cohort
    rows: list[EnrolmentRow]
    withdrawn: list[EnrolmentRow]
    reverse_skills: list[SkillBalance]  # juniors teach, seniors want
    forward_skills: list[SkillBalance]  # seniors teach, juniors want
    active_pairs: int

    def side(self, side: str) -> list[EnrolmentRow]:
        return [r for r in self.rows if r.side == side]

    @property
    def juniors(self) -> int:
        return len(self.side("junior"))

    @property
    def seniors(self) -> int:
        return len(self.side("senior"))

    @property
    def junior_capacity(self) -> int:
        return sum(r.capacity for r in self.side("junior"))

    @property
    def senior_capacity(self) -> int:
        return sum(r.capacity for r in self.side("senior"))

    @property
    def not_invited(self) -> int:
        return sum(1 for r in self.rows if r.invitation_state == "not_invited")

    @property
    def awaiting_acceptance(self) -> int:
        return sum(1 for r in self.rows if r.invitation_state == "invited")

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.accepted)

    @property
    def incomplete(self) -> int:
        return sum(1 for r in self.rows if not r.complete)

    @property
    def completion(self) -> int:
        """Mean profile completion, in percent."""
        return round(sum(r.completion for r in self.rows) / len(self.rows)) if self.rows else 0

    @property
    def possible_pairs(self) -> int:
        """At most this many pairs: the smaller of the two sides' total capacity."""
        return min(self.junior_capacity, self.senior_capacity)

    @property
    def unmatched_juniors(self) -> int:
        """Juniors left without a partner even if every senior took their full capacity."""
        return max(0, self.juniors - self.senior_capacity)

    @property
    def unmatched_seniors(self) -> int:
        return max(0, self.seniors - self.junior_capacity)

    @property
    def unmet_reverse(self) -> list[SkillBalance]:
        return [s for s in self.reverse_skills if s.demand and not s.supply]


def cohort_overview(cohort: Cohort) -> CohortOverview:
    """Everything the HR cohort page shows, in three queries whatever the cohort's size."""
    skills = ProfileSkill.objects.filter(profile__user=OuterRef("user_id"))
    enrolments = (
        Enrolment.objects.filter(cohort=cohort)
        .annotate(
            has_teach=Exists(skills.filter(kind="teach")),
            has_learn=Exists(skills.filter(kind="learn")),
            accepted=Case(
                When(
                    Q(user__last_login__isnull=False)
                    | ~Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values(
            "pk",
            "user_id",
            "user__email",
            "user__profile__full_name",
            "user__profile__job_title",
            "user__profile__department",
            "user__profile__timezone",
            "user__profile__hopes",
            "side",
            "capacity",
            "status",
            "invited_at",
            "invitations_sent",
            "has_teach",
            "has_learn",
            "accepted",
        )
        .order_by("user__profile__full_name", "user__email")
    )
    rows: list[EnrolmentRow] = []
    withdrawn: list[EnrolmentRow] = []
    for e in enrolments:
        missing = tuple(
            part
            for part, ok in zip(
                COMPLETION_PARTS,
                (
                    e["has_teach"],
                    e["has_learn"],
                    bool(e["user__profile__timezone"]),
                    bool((e["user__profile__hopes"] or "").strip()),
                ),
                strict=True,
            )
            if not ok
        )
        row = EnrolmentRow(
            pk=e["pk"],
            user_id=e["user_id"],
            email=e["user__email"],
            full_name=e["user__profile__full_name"] or e["user__email"],
            job_title=e["user__profile__job_title"] or "",
            department=e["user__profile__department"] or "",
            side=e["side"],
            capacity=e["capacity"],
            status=e["status"],
            invited_at=e["invited_at"],
            invitations_sent=e["invitations_sent"],
            accepted=e["accepted"],
            missing=missing,
        )
        (rows if row.status == Enrolment.Status.ACTIVE else withdrawn).append(row)
    return CohortOverview(
        cohort=cohort,
        rows=rows,
        withdrawn=withdrawn,
        active_pairs=cohort.pairs.filter(status="active").count(),
        **_skill_balances(cohort),
    )


def _skill_balances(cohort: Cohort) -> dict[str, list[SkillBalance]]:
    counts = (
        ProfileSkill.objects.filter(
            profile__user__enrolments__cohort=cohort, profile__user__enrolments__status="active"
        )
        .values("skill__name", "kind", "profile__user__enrolments__side")
        .annotate(people=Count("profile", distinct=True))
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for c in counts:
        side, kind = c["profile__user__enrolments__side"], c["kind"]
        # reverse: juniors teach (supply), seniors learn (demand); forward the other way round.
        direction = (
            "reverse" if (side, kind) in (("junior", "teach"), ("senior", "learn")) else "forward"
        )
        role = "supply" if kind == "teach" else "demand"
        cell = table.setdefault((direction, c["skill__name"]), {"supply": 0, "demand": 0})
        cell[role] += c["people"]

    def ordered(direction: str) -> list[SkillBalance]:
        found = [
            SkillBalance(name=name, **cell) for (d, name), cell in table.items() if d == direction
        ]
        return sorted(found, key=lambda s: (-s.gap, -s.demand, s.name.casefold()))

    return {"reverse_skills": ordered("reverse"), "forward_skills": ordered("forward")}


def enrolment_for_cohort(cohort: Cohort, pk: int) -> Enrolment:
    """One enrolment of this cohort, or 404 (an id from another cohort is not found)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Enrolment.objects.select_related("user__profile", "cohort"), cohort=cohort, pk=pk
    )
