"""What the session log form offers: the pair's skills each way and the meetings to log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import ProfileSkill, Skill
from pairing.models import Pair
from sessions_log.models import Meeting, SessionLog

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Logged(TypedDict):
    logged: bool


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
