"""Reads of the participant journey, shaped for the pages that show them.

Everything is scoped to a member of the pair: a private note is only ever fetched with
``author=viewer``, and a pair is only ever fetched for one of its two partners.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import ProfileSkill, Skill, User
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair

# One membership rule for both apps (published pairs only): pairing's selectors.
from pairing.selectors import member_of
from pairing.selectors import pair_for_member as pair_for_member
from sessions_log import services
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    PrivateNote,
    Pulse,
    Reflection,
    SessionLog,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Logged(TypedDict):
    logged: bool


HISTORY_LIMIT = 50


def zone_of(user) -> zoneinfo.ZoneInfo:
    profile = getattr(user, "profile", None)
    try:
        return zoneinfo.ZoneInfo(profile.timezone if profile else settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _pairs() -> QuerySet[Pair]:
    return Pair.objects.filter(published_at__isnull=False).select_related(
        "cohort__programme", "junior__user__profile", "senior__user__profile"
    )


def meeting_for_member(user, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related(
            "pair__cohort__programme", "pair__junior__user__profile", "pair__senior__user__profile"
        )
        .filter(
            Q(pair__junior__user=user) | Q(pair__senior__user=user),
            pk=pk,
            pair__published_at__isnull=False,
        )
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def session_log_for_member(user, pk: int) -> SessionLog:
    log = (
        SessionLog.objects.select_related(
            "pair__cohort__programme",
            "pair__junior__user__profile",
            "pair__senior__user__profile",
            "meeting",
        )
        .prefetch_related("skills_reverse", "skills_forward")
        .filter(
            Q(pair__junior__user=user) | Q(pair__senior__user=user),
            pk=pk,
            pair__published_at__isnull=False,
        )
        .first()
    )
    if log is None:
        raise Http404("No such session")
    return log


def goal_for_owner(user, pk: int) -> Goal:
    goal = (
        Goal.objects.select_related("pair__cohort", "pair__junior__user", "pair__senior__user")
        .filter(owner=user, pk=pk)
        .first()
    )
    if goal is None or not goal.pair.involves(user):
        raise Http404("No such goal")
    return goal


def enrolment_for(user, pk: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("cohort__programme")
        .filter(user=user, pk=pk, status=Enrolment.Status.ACTIVE)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    return enrolment


def my_note_body(log: SessionLog, author: User) -> str:
    """The text of the author's own private note on a session, or "" if they kept none."""
    return (
        PrivateNote.objects.filter(session_log=log, author=author)
        .values_list("body", flat=True)
        .first()
        or ""
    )


@dataclass(frozen=True)
class HistoryEntry:
    """A logged session as one partner sees it: with their own private note, never the
    other's."""

    log: SessionLog
    my_note: PrivateNote | None
    mine: bool  # the viewer logged it, so may edit or delete it
    reverse_skill_names: list[str]
    forward_skill_names: list[str]


def session_history(pair: Pair, viewer: User, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    logs = list(
        SessionLog.objects.filter(pair=pair)
        .select_related("logged_by__profile", "meeting")
        .order_by("-held_on", "-pk")[:limit]
    )
    log_ids = [log.pk for log in logs]
    notes = {
        note.session_log_id: note
        for note in PrivateNote.objects.filter(author=viewer, session_log_id__in=log_ids)
    }
    names = _skill_names_each_way(
        lambda through: through.objects.filter(sessionlog_id__in=log_ids),
        "sessionlog_id",
    )
    return [
        HistoryEntry(
            log,
            notes.get(log.pk),
            log.logged_by_id == viewer.pk,
            *names.get(log.pk, ([], [])),
        )
        for log in logs
    ]


def _skill_names_each_way(rows_of, group: str) -> dict[int, tuple[list[str], list[str]]]:
    """Skill names covered junior → senior and senior → junior, grouped by ``group`` (a
    lookup on the through rows): one query for both directions."""
    found: dict[int, tuple[set[str], set[str]]] = {}
    reverse, forward = (
        rows_of(getattr(SessionLog, f"skills_{way}").through)
        .annotate(way=Value(index))
        .values_list(group, "skill__name", "way")
        for index, way in enumerate(("reverse", "forward"))
    )
    for key, name, index in reverse.union(forward):
        found.setdefault(key, (set(), set()))[index].add(name)
    return {key: (sorted(rev), sorted(fwd)) for key, (rev, fwd) in found.items()}


@dataclass
class Balance:
    reverse_minutes: float = 0
    forward_minutes: float = 0
    sessions: int = 0
    reverse_skills: list[str] = field(default_factory=list)
    forward_skills: list[str] = field(default_factory=list)

    @property
    def total_minutes(self) -> float:
        return self.reverse_minutes + self.forward_minutes

    @property
    def reverse_share(self) -> int:
        """Per cent of the time spent with the junior teaching."""
        return round(100 * self.reverse_minutes / self.total_minutes) if self.total_minutes else 0

    @property
    def forward_share(self) -> int:
        return 100 - self.reverse_share if self.total_minutes else 0

    @property
    def reverse_hours(self) -> float:
        return round(self.reverse_minutes / 60, 1)

    @property
    def forward_hours(self) -> float:
        return round(self.forward_minutes / 60, 1)


def balance(pair: Pair) -> Balance:
    """Two-way balance: minutes each way, a session "both ways" counting half to each."""
    totals = SessionLog.objects.filter(pair=pair).aggregate(
        reverse=Sum("minutes", filter=Q(direction="reverse"), default=0),
        forward=Sum("minutes", filter=Q(direction="forward"), default=0),
        both=Sum("minutes", filter=Q(direction="both"), default=0),
        sessions=Count("pk"),
    )
    result = Balance(
        reverse_minutes=totals["reverse"] + totals["both"] / 2,
        forward_minutes=totals["forward"] + totals["both"] / 2,
        sessions=totals["sessions"],
    )
    result.reverse_skills, result.forward_skills = _skills_each_way([pair.pk])[pair.pk]
    return result


def _skills_each_way(pair_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Per pair, the names of the skills covered junior → senior and senior → junior."""
    names = _skill_names_each_way(
        lambda through: through.objects.filter(sessionlog__pair_id__in=pair_ids),
        "sessionlog__pair_id",
    )
    return {pk: names.get(pk, ([], [])) for pk in pair_ids}


def _flowing(teacher_id: int, learner_id: int) -> Q:
    """Whether one partner teaches the skill and the other wants to learn it."""
    holds = ProfileSkill.objects.filter(skill_id=OuterRef("pk"))
    return Exists(holds.filter(profile__user_id=teacher_id, kind="teach")) & Exists(
        holds.filter(profile__user_id=learner_id, kind="learn")
    )


def skills_each_way(pair: Pair) -> QuerySet[Skill]:
    """The pair's skills, offered for each direction when logging. ``reverse_rank`` and
    ``forward_rank`` are 0 for the skills that flow that way (one partner teaches what the
    other wants to learn), which the form lists first, and 1 for the rest."""
    junior, senior = pair.junior.user_id, pair.senior.user_id
    return Skill.objects.filter(
        pk__in=ProfileSkill.objects.filter(profile__user_id__in=[junior, senior]).values("skill_id")
    ).annotate(
        reverse_rank=Case(When(_flowing(junior, senior), then=Value(0)), default=Value(1)),
        forward_rank=Case(When(_flowing(senior, junior), then=Value(0)), default=Value(1)),
    )


def loggable_meetings(
    pair: Pair, now: datetime | None = None
) -> QuerySet[WithAnnotations[Meeting, _Logged]]:
    """Scheduled meetings that have started, newest first, each marked ``logged`` when it has
    a log already (offered anyway, so choosing one again gets a clear message)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            pair=pair,
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=now,
            starts_at__gte=now - timedelta(days=366),
        )
        .annotate(logged=Exists(SessionLog.objects.filter(meeting=OuterRef("pk"))))
        .order_by("-starts_at")
    )


@dataclass
class PairPage:
    pair: Pair
    viewer: User
    partner: User
    zone: zoneinfo.ZoneInfo
    acceptances: list[AgreementAcceptance]
    upcoming: list[Meeting]
    history: list[HistoryEntry]
    balance: Balance
    my_goals: list[Goal]
    partner_goals: list[Goal]
    fit_check: FitCheck | None
    fit_check_open: bool
    pulse_period: int | None
    pulse: Pulse | None
    impact_stage: str | None
    impact_answered: bool
    my_enrolment: Enrolment
    reflection_open: bool
    my_reflection: Reflection | None
    partner_thank_you: str
    to_log: list[Meeting] = field(default_factory=list)

    @property
    def accepted_ids(self) -> set[int]:
        return {a.user_id for a in self.acceptances}

    @property
    def viewer_accepted(self) -> bool:
        return self.viewer.pk in self.accepted_ids

    @property
    def partner_accepted(self) -> bool:
        return self.partner.pk in self.accepted_ids

    @property
    def agreement_complete(self) -> bool:
        return self.viewer_accepted and self.partner_accepted

    @property
    def is_open(self) -> bool:
        return (
            self.pair.status == Pair.Status.ACTIVE
            and self.pair.cohort.status != Cohort.Status.CLOSED
        )


def pair_page(pair: Pair, viewer: User, now: datetime | None = None) -> PairPage:
    now = now or timezone.now()
    goals = list(Goal.objects.filter(pair=pair).select_related("owner__profile"))
    my_enrolment = pair.junior if pair.junior.user_id == viewer.pk else pair.senior
    logs = session_history(pair, viewer)
    impact_stage = services.open_impact_stage(my_enrolment)
    period = services.current_pulse_period(pair, now)
    return PairPage(
        pair=pair,
        viewer=viewer,
        partner=pair.partner_of(viewer),
        zone=zone_of(viewer),
        acceptances=list(AgreementAcceptance.objects.filter(pair=pair)),
        upcoming=list(
            Meeting.objects.filter(
                pair=pair, status=Meeting.Status.SCHEDULED, starts_at__gte=now
            ).order_by("starts_at")[:20]
        ),
        history=logs,
        balance=balance(pair),
        my_goals=[g for g in goals if g.owner_id == viewer.pk],
        partner_goals=[g for g in goals if g.owner_id != viewer.pk],
        fit_check=FitCheck.objects.filter(pair=pair, respondent=viewer).first(),
        fit_check_open=bool(logs),
        pulse_period=period,
        pulse=(
            Pulse.objects.filter(pair=pair, respondent=viewer, period=period).first()
            if period is not None
            else None
        ),
        impact_stage=impact_stage,
        impact_answered=bool(impact_stage)
        and ImpactSurvey.objects.filter(enrolment=my_enrolment, stage=impact_stage).exists(),
        my_enrolment=my_enrolment,
        reflection_open=services.reflection_open(pair),
        my_reflection=Reflection.objects.filter(pair=pair, author=viewer).first(),
        # Only the partner's thank-you, never their reflection.
        partner_thank_you=Reflection.objects.filter(pair=pair)
        .exclude(author=viewer)
        .values_list("thank_you", flat=True)
        .first()
        or "",
        to_log=[m for m in loggable_meetings(pair, now)[:5] if not m.logged],
    )


@dataclass
class Contribution:
    """One pairing in a person's contribution record."""

    pair: Pair
    partner: object
    side: str
    sessions: int = 0
    given_minutes: float = 0
    received_minutes: float = 0
    taught: list[str] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)
    thank_you: str = ""

    @property
    def given_hours(self) -> float:
        return round(self.given_minutes / 60, 1)

    @property
    def received_hours(self) -> float:
        return round(self.received_minutes / 60, 1)


def contribution_record(user) -> list[Contribution]:
    """Hours given and received, skills taught each way and the partner's thank-you, for every
    pairing the person has had. No summary or note: only what is the person's own to take."""
    pairs = list(_pairs().filter(member_of(user)).order_by("-published_at"))
    record = {
        pair.pk: Contribution(
            pair=pair,
            partner=pair.partner_of(user),
            side="junior" if pair.junior.user_id == user.pk else "senior",
        )
        for pair in pairs
    }
    # What I give: the junior gives in the reverse direction, the senior in the forward one.
    gives = {pk: ("reverse" if line.side == "junior" else "forward") for pk, line in record.items()}
    for pair_id, direction, minutes, sessions in (
        SessionLog.objects.filter(pair__in=pairs)
        .values("pair_id", "direction")
        .annotate(total=Sum("minutes"), count=Count("pk"))
        .values_list("pair_id", "direction", "total", "count")
    ):
        line = record[pair_id]
        line.sessions += sessions
        if direction == "both":
            line.given_minutes += minutes / 2
            line.received_minutes += minutes / 2
        elif direction == gives[pair_id]:
            line.given_minutes += minutes
        else:
            line.received_minutes += minutes
    each_way = _skills_each_way(list(record))
    for pair_id, thank_you in (
        Reflection.objects.filter(pair__in=pairs)
        .exclude(author=user)
        .exclude(thank_you="")
        .values_list("pair_id", "thank_you")
    ):
        record[pair_id].thank_you = thank_you
    for pk, line in record.items():
        reverse, forward = each_way[pk]
        line.taught, line.learned = (
            (reverse, forward) if line.side == "junior" else (forward, reverse)
        )
    return list(record.values())
