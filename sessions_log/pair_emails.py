"""Emails of the participant journey, built at send time from the rows' current state.

A builder returns None when the email no longer makes sense (the meeting moved again, the survey
was answered): the outbox then records the row as skipped. No email carries a session summary or
a private note.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.urls import reverse

from mentoring import outbox
from mentoring.models import Cohort, Enrolment, OutboxMessage
from pairing.models import Pair
from sessions_log import ics
from sessions_log.models import FitCheck, ImpactSurvey, Meeting, Pulse
from sessions_log.plan import next_step_for


def _zone(user) -> zoneinfo.ZoneInfo:
    profile = getattr(user, "profile", None)
    try:
        return zoneinfo.ZoneInfo(profile.timezone if profile else settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


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


def _pair_url(pair_id: int) -> str:
    return settings.SITE_URL + reverse("sessions_log:pair", args=[pair_id])


def _meeting_context(reminder: OutboxMessage, meeting: Meeting) -> dict:
    recipient = reminder.recipient
    zone = _zone(recipient)
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
