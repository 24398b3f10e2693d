"""What the session log form offers: the pair's skills each way and the meetings to log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.utils import timezone

from accounts.models import ProfileSkill, Skill
from pairing.models import Pair
from sessions_log.models import Meeting, SessionLog

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Logged(TypedDict):
    logged: bool


def skills_each_way(pair: Pair) -> QuerySet[Skill]:
    """The pair's skills, offered for each direction when logging. ``reverse_rank`` and
    ``forward_rank`` are 0 for the skills that flow that way (one partner teaches what the
    other wants to learn), which the form lists first, and 1 for the rest.

    The two partners' profile skills are read first (a few rows) and the flows worked out
    here: a query of four correlated EXISTS cost twice the CPU to build and run."""
    junior, senior = pair.junior.user_id, pair.senior.user_id
    teaches: dict[int, set[int]] = {junior: set(), senior: set()}
    learns: dict[int, set[int]] = {junior: set(), senior: set()}
    for user_id, skill_id, kind in ProfileSkill.objects.filter(
        profile__user_id__in=[junior, senior]
    ).values_list("profile__user_id", "skill_id", "kind"):
        (teaches if kind == ProfileSkill.Kind.TEACH else learns)[user_id].add(skill_id)
    held = set().union(*teaches.values(), *learns.values())
    return Skill.objects.filter(pk__in=held).annotate(
        reverse_rank=_rank(teaches[junior] & learns[senior]),
        forward_rank=_rank(teaches[senior] & learns[junior]),
    )


def _rank(flowing: set[int]) -> Case:
    return Case(When(pk__in=flowing, then=Value(0)), default=Value(1))


def loggable_meetings(
    pair: Pair, now: datetime | None = None, *, with_upcoming: bool = False
) -> QuerySet[WithAnnotations[Meeting, _Logged]]:
    """Scheduled meetings that have started, newest first, each marked ``logged`` when it has
    a log already (offered anyway, so choosing one again gets a clear message).
    ``with_upcoming``: the scheduled meetings still to come as well (the pair page reads both
    in one query)."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        pair=pair,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=now - timedelta(days=366),
    )
    if not with_upcoming:
        meetings = meetings.filter(starts_at__lte=now)
    return meetings.annotate(
        logged=Exists(SessionLog.objects.filter(meeting=OuterRef("pk")))
    ).order_by("-starts_at")
