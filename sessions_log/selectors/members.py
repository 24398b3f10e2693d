"""Fetching what belongs to one person: a pair only for one of its two partners, a meeting or a
log only for a member of its pair, a goal only for its owner, a private note only for its
author; anyone else gets 404. And the person's own time zone."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from mentoring.models import Enrolment
from pairing.models import Pair

# One membership rule for both apps (published pairs only): pairing's selectors.
from pairing.selectors import pair_for_member as pair_for_member
from sessions_log.models import Goal, Meeting, PrivateNote, SessionLog


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
