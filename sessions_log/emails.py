"""Email kinds of sessions_log, registered with the outbox (this module is found at start-up).

Meeting reminders and quiet-pair nudges and alerts live here; the participant journey's kinds
(meeting invites, surveys, fit check) live in sessions_log/pair_emails.py, imported below because
only one module per app named emails.py is discovered.

Every builder works from the row's ids and the database as it is at send time, and returns None
when the email no longer makes sense (the meeting moved, the pair met after all). No email
carries a session summary or a private note.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from accounts import nudges
from accounts.roles import is_hr
from mentoring import outbox
from mentoring.models import Cohort, OutboxMessage
from pairing.models import Pair
from sessions_log.models import Meeting
from sessions_log.reminders import (
    MEETING_REMINDER,
    QUIET_PAIR_HR_ALERT,
    QUIET_PAIR_NUDGE,
    booked,
    timezone_name_of,
    zone_named,
)


def _absolute(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _pair_url(pair_id: int) -> str:
    return _absolute("sessions_log:pair", pair_id)


_MEETING = outbox.PreparedRow(
    lambda: Meeting.objects.filter(pk=0).values_list(
        "starts_at",
        "duration_minutes",
        "location",
        "status",
        "sequence",
        "pair_id",
        "pair__status",
        "pair__junior__user_id",
        "pair__junior__user__email",
        "pair__junior__user__profile__full_name",
        "pair__senior__user_id",
        "pair__senior__user__email",
        "pair__senior__user__profile__full_name",
    )
)


@outbox.register(MEETING_REMINDER)
def meeting_reminder(reminder: OutboxMessage) -> outbox.Email | None:
    """ "Your meeting with X is tomorrow / in an hour", in the recipient's own time zone.
    One prepared query: this runs for every reminder a sweep sends."""
    payload = reminder.payload
    row = _MEETING.first(payload.get("meeting_id"))
    if row is None:
        return None
    (
        starts_at,
        minutes,
        location,
        status,
        sequence,
        pair_id,
        pair_status,
        junior_id,
        junior_email,
        junior_name,
        senior_id,
        senior_email,
        senior_name,
    ) = row
    if status != Meeting.Status.SCHEDULED or sequence != payload.get("sequence", sequence):
        return None  # cancelled, or moved since: the new version's own reminders are coming
    recipient = reminder.recipient
    if pair_status != Pair.Status.ACTIVE or recipient.pk not in (junior_id, senior_id):
        return None
    if starts_at <= outbox.now():
        return None  # the sweep was held up past the start: a reminder now would only confuse
    partner = (
        (senior_name or senior_email)
        if recipient.pk == junior_id
        else (junior_name or junior_email)
    )
    zone = zone_named(timezone_name_of(recipient))
    return outbox.render_email(
        "meeting_reminder",
        {
            "recipient": recipient,
            "partner": {"full_name": partner},
            "meeting": {"duration_minutes": minutes, "location": location},
            "label": payload.get("label"),
            "local_start": starts_at.astimezone(zone),
            "zone": zone.key,
            "pair_url": _pair_url(pair_id),
        },
    )


def _still_quiet_pair(reminder: OutboxMessage):
    """The pair of a quiet-pair row if it is still active and has logged no session since the
    quiet spell began; None otherwise."""

    try:
        quiet_since = date.fromisoformat(str(reminder.payload.get("quiet_since")))
    except ValueError:
        return None, None
    pair = (
        Pair.objects.select_related("cohort", "junior__user__profile", "senior__user__profile")
        .filter(
            pk=reminder.payload.get("pair_id"),
            status=Pair.Status.ACTIVE,
            cohort__status=Cohort.Status.ACTIVE,
        )
        .annotate(last_held=Max("session_logs__held_on"), booked=booked(outbox.now()))
        .first()
    )
    if pair is None or pair.booked:
        return None, None  # gone, or a meeting has been booked since
    if pair.last_held is not None and pair.last_held > quiet_since:
        return None, None
    return pair, quiet_since


@outbox.register(QUIET_PAIR_NUDGE, nudge=True)
def quiet_pair_nudge(reminder: OutboxMessage) -> outbox.Email | None:
    pair, quiet_since = _still_quiet_pair(reminder)
    recipient = reminder.recipient
    if pair is None or not pair.involves(recipient):
        return None
    zone = zone_named(timezone_name_of(recipient))
    today = outbox.now().astimezone(zone).date()
    return outbox.render_email(
        "quiet_pair_nudge",
        {
            "recipient": recipient,
            "partner": pair.partner_of(recipient),
            "cohort": pair.cohort,
            "quiet_since": quiet_since,
            "days_quiet": max((today - quiet_since).days, 0),
            "never_met": pair.last_held is None,
            "pair_url": _pair_url(pair.pk),
            "unsubscribe_url": nudges.unsubscribe_url(recipient),
            "preferences_url": _absolute("sessions_log:nudges"),
        },
    )  # the outbox adds the one-click unsubscribe headers to every nudge


@outbox.register(QUIET_PAIR_HR_ALERT)
def quiet_pair_hr_alert(reminder: OutboxMessage) -> outbox.Email | None:
    pair, quiet_since = _still_quiet_pair(reminder)
    recipient = reminder.recipient
    if pair is None or not is_hr(recipient):
        return None
    zone = zone_named(timezone_name_of(recipient))
    today = outbox.now().astimezone(zone).date()
    return outbox.render_email(
        "quiet_pair_hr_alert",
        {
            "recipient": recipient,
            "junior": pair.junior.user,
            "senior": pair.senior.user,
            "cohort": pair.cohort,
            "quiet_since": quiet_since,
            "days_quiet": max((today - quiet_since).days, 0),
            "never_met": pair.last_held is None,
            "cohort_url": _absolute("mentoring:cohort_detail", pair.cohort.slug),
        },
    )
