"""Calendar invites for meetings (RFC 5545 / iTIP).

One meeting keeps one UID for its whole life; every change bumps SEQUENCE so calendars replace
the event instead of adding a second one, and a cancellation is METHOD:CANCEL with the same UID.
The invite carries no summary or note: only that the pair meets, when and where, and the next
step of the programme's session plan (the programme's own text, never the pair's).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from sessions_log.models import Meeting
from sessions_log.plan import agenda_text

PRODID = "-//Twoway//Reverse mentoring//EN"


def _address(user, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name)
    address.params["role"] = vText(role)
    return address


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@twoway"


def build_invite(meeting: Meeting, *, cancel: bool = False) -> bytes:
    """The .ics for a meeting: METHOD:REQUEST, or METHOD:CANCEL when ``cancel``."""
    pair = meeting.pair
    junior, senior = pair.junior.user, pair.senior.user
    organiser = meeting.proposed_by or junior

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")

    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.now(tz=UTC))
    starts = meeting.starts_at.astimezone(UTC)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", "Reverse mentoring meeting")
    if meeting.location:
        event.add("location", meeting.location)
    description = (
        "Your reverse mentoring meeting. Details: "
        f"{settings.SITE_URL}{reverse('sessions_log:pair', args=[pair.pk])}"
    )
    agenda = "" if cancel else agenda_text(pair)
    event.add("description", f"{description}\n\n{agenda}" if agenda else description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("organizer", _address(organiser, "CHAIR"))
    for person in (junior, senior):
        event.add("attendee", _address(person, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical()
