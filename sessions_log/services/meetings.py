"""The mentoring agreement and meetings: invites with .ics, reschedules, cancellations."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring import outbox
from pairing.models import Pair
from sessions_log import reminders
from sessions_log.models import (
    AgreementAcceptance,
    Meeting,
)
from sessions_log.services.access import (
    require_active,
    require_member,
)

# --- the mentoring agreement -------------------------------------------------------------------


def agreement_complete(pair: Pair) -> bool:
    accepted = set(AgreementAcceptance.objects.filter(pair=pair).values_list("user_id", flat=True))
    return {pair.junior.user_id, pair.senior.user_id} <= accepted


@transaction.atomic
def accept_agreement(*, pair: Pair, user) -> AgreementAcceptance:
    require_member(pair, user)
    require_active(pair)
    acceptance, _ = AgreementAcceptance.objects.get_or_create(pair=pair, user=user)
    return acceptance


# --- meetings ----------------------------------------------------------------------------------


def _meeting_reminders(meeting: Meeting, *, cancel: bool) -> None:
    """T-24h / T-1h reminders, timed per recipient by sessions_log.reminders."""
    if cancel:
        reminders.cancel_meeting_reminders(meeting=meeting)
    else:
        reminders.schedule_meeting_reminders(meeting=meeting)


def _queue_meeting_emails(meeting: Meeting, kind: str) -> None:
    pair = meeting.pair
    for person in (pair.junior.user, pair.senior.user):
        outbox.schedule(
            recipient=person,
            kind=kind,
            due_at=timezone.now(),
            dedupe_key=f"meetingmail:{meeting.uid}:{meeting.sequence}:{kind}:{person.pk}",
            payload={"meeting": meeting.pk, "sequence": meeting.sequence},
        )


def _check_meeting_time(starts_at: datetime, duration_minutes: int) -> None:
    if starts_at <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    if starts_at > timezone.now() + timedelta(days=366):
        raise ValidationError("Choose a time within the next year.")
    if not 5 <= duration_minutes <= 480:
        raise ValidationError("A meeting lasts between 5 minutes and 8 hours.")


@transaction.atomic
def propose_meeting(
    *, pair: Pair, by, starts_at: datetime, duration_minutes: int, location: str
) -> Meeting:
    require_member(pair, by)
    require_active(pair)
    if not agreement_complete(pair):
        raise ValidationError(
            "You can schedule meetings once you have both accepted the mentoring agreement."
        )
    _check_meeting_time(starts_at, duration_minutes)
    meeting = Meeting.objects.create(
        pair=pair,
        starts_at=starts_at,
        proposed_by=by,
        duration_minutes=duration_minutes,
        location=location.strip(),
    )
    _queue_meeting_emails(meeting, "meeting_invite")
    _meeting_reminders(meeting, cancel=False)
    return meeting


@transaction.atomic
def reschedule_meeting(
    *, meeting: Meeting, by, starts_at: datetime, duration_minutes: int, location: str
) -> Meeting:
    require_member(meeting.pair, by)
    require_active(meeting.pair)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError("This meeting was cancelled; propose a new one instead.")
    if hasattr(meeting, "session_log"):
        raise ValidationError("This meeting has been logged, so it cannot move.")
    _check_meeting_time(starts_at, duration_minutes)
    if (meeting.starts_at, meeting.duration_minutes, meeting.location) == (
        starts_at,
        duration_minutes,
        location.strip(),
    ):
        return meeting  # a repeated submit (or no change): no second "updated" invite
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.location = location.strip()
    meeting.sequence += 1
    meeting.save(
        update_fields=["starts_at", "duration_minutes", "location", "sequence", "updated_at"]
    )
    _queue_meeting_emails(meeting, "meeting_invite")
    _meeting_reminders(meeting, cancel=False)
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by) -> Meeting:
    require_member(meeting.pair, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        return meeting
    if hasattr(meeting, "session_log"):
        raise ValidationError("This meeting has been logged, so it cannot be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _meeting_reminders(meeting, cancel=True)
    if meeting.starts_at > timezone.now():
        _queue_meeting_emails(meeting, "meeting_cancelled")
    return meeting
