"""Email kinds of sessions_log, registered with the core's outbox from SessionsLogConfig.ready():
meeting invites and reminders, quiet-pair nudges and alerts, surveys and the fit check.

Every builder works from the row's ids and the database as it is at send time, and returns None
when the email no longer makes sense (the meeting moved, the pair met after all, the survey was
answered): the outbox then records the row as skipped. No email carries a session summary or a
private note.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from accounts import nudges
from accounts.roles import is_hr
from accounts.timezones import timezone_name_of, zone_named
from mentoring import outbox
from mentoring.models import Cohort, Enrolment, OutboxMessage
from pairing.models import Pair
from sessions_log import ics
from sessions_log.models import FitCheck, ImpactSurvey, Meeting, Pulse
from sessions_log.plan import next_step_for
from sessions_log.reminders import (
    MEETING_REMINDER,
    QUIET_PAIR_HR_ALERT,
    QUIET_PAIR_NUDGE,
    booked,
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


def _zone_of(user) -> zoneinfo.ZoneInfo:
    return zone_named(timezone_name_of(user))


# --- the participant journey: invites, surveys, fit check -----------------------------------


def _meeting(reminder: OutboxMessage) -> Meeting | None:
    return (
        Meeting.objects.select_related(
            "pair__cohort",
            "pair__junior__user__profile",
            "pair__senior__user__profile",
            "proposed_by__profile",
        )
        .filter(pk=reminder.payload.get("meeting"))
        .first()
    )


def _meeting_context(reminder: OutboxMessage, meeting: Meeting) -> dict:
    recipient = reminder.recipient
    zone = _zone_of(recipient)
    return {
        "recipient": recipient,
        "partner": meeting.pair.partner_of(recipient),
        "meeting": meeting,
        "local_start": meeting.starts_at.astimezone(zone),
        "zone": zone.key,
        "pair_url": _pair_url(meeting.pair_id),
        "updated": meeting.sequence > 0,
        "next_step": next_step_for(meeting.pair),
    }


@outbox.register("meeting_invite", nudge=False)
def meeting_invite(reminder: OutboxMessage) -> outbox.Email | None:
    meeting = _meeting(reminder)
    if (
        meeting is None
        or meeting.status != Meeting.Status.SCHEDULED
        or meeting.sequence != reminder.payload.get("sequence")
    ):
        return None  # cancelled or moved again since: a newer row carries the news
    return outbox.render_email(
        "meeting_invite",
        _meeting_context(reminder, meeting),
        attachments=(
            (
                "invite.ics",
                ics.build_invite(meeting),
                "text/calendar; method=REQUEST; charset=UTF-8",
            ),
        ),
    )


@outbox.register("meeting_cancelled", nudge=False)
def meeting_cancelled(reminder: OutboxMessage) -> outbox.Email | None:
    meeting = _meeting(reminder)
    if meeting is None or meeting.status != Meeting.Status.CANCELLED:
        return None
    return outbox.render_email(
        "meeting_cancelled",
        _meeting_context(reminder, meeting),
        attachments=(
            (
                "cancel.ics",
                ics.build_invite(meeting, cancel=True),
                "text/calendar; method=CANCEL; charset=UTF-8",
            ),
        ),
    )


def _open_pair(pair_id) -> Pair | None:
    return (
        Pair.objects.select_related("cohort", "junior__user__profile", "senior__user__profile")
        .filter(pk=pair_id, status=Pair.Status.ACTIVE)
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .first()
    )


@outbox.register("fit_check_due", nudge=True)
def fit_check_due(reminder: OutboxMessage) -> outbox.Email | None:
    pair = _open_pair(reminder.payload.get("pair"))
    if pair is None or not pair.involves(reminder.recipient):
        return None
    if FitCheck.objects.filter(pair=pair, respondent=reminder.recipient).exists():
        return None
    return outbox.render_email(
        "fit_check_due",
        {
            "recipient": reminder.recipient,
            "partner": pair.partner_of(reminder.recipient),
            "url": settings.SITE_URL + reverse("sessions_log:fit_check", args=[pair.pk]),
        },
    )


@outbox.register("survey_due", nudge=True)
def survey_due(reminder: OutboxMessage) -> outbox.Email | None:
    payload, recipient = reminder.payload, reminder.recipient
    if payload.get("survey") == "pulse":
        pair = _open_pair(payload.get("pair"))
        if pair is None or not pair.involves(recipient):
            return None
        if Pulse.objects.filter(
            pair=pair, respondent=recipient, period=payload.get("period")
        ).exists():
            return None
        return outbox.render_email(
            "survey_due",
            {
                "recipient": recipient,
                "survey": "pulse",
                "url": settings.SITE_URL + reverse("sessions_log:pulse", args=[pair.pk]),
            },
        )
    if payload.get("survey") == "impact":
        enrolment = (
            Enrolment.objects.select_related("cohort")
            .filter(pk=payload.get("enrolment"), user=recipient, status=Enrolment.Status.ACTIVE)
            .exclude(cohort__status=Cohort.Status.CLOSED)
            .first()
        )
        stage = payload.get("stage")
        if (
            enrolment is None
            or ImpactSurvey.objects.filter(enrolment=enrolment, stage=stage).exists()
        ):
            return None
        return outbox.render_email(
            "survey_due",
            {
                "recipient": recipient,
                "survey": "impact",
                "final": stage == "final",
                "cohort": enrolment.cohort,
                "url": settings.SITE_URL
                + reverse("sessions_log:impact", args=[enrolment.pk, stage]),
            },
        )
    return None
