import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from mentoring import outbox
from mentoring.models import OutboxMessage
from sessions_log.models import Meeting
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import (
    MeetingFactory,
    both_accept,
)

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _future(days: int = 5, hour: int = 14) -> datetime:
    return (timezone.localdate() + timedelta(days=days)).__format__("%Y-%m-%d") + f"T{hour:02d}:00"


def _propose(client, pair, **overrides):
    data = {
        "starts_at": _future(),
        "duration_minutes": 45,
        "location": "https://meet.example.com/abc",
    }
    data.update(overrides)
    return client.post(f"/sessions/pair/{pair.pk}/meetings/new/", data)


def _invites() -> list[Calendar]:
    return [
        Calendar.from_ical(content)
        for message in mail.outbox
        for _, content, _ in message.attachments
    ]


def test_scheduling_waits_until_both_have_accepted_the_agreement(cast, login):
    client = login(cast.junior)
    response = _propose(client, cast.pair)
    assert "once you have both accepted" in response.content.decode()
    assert not Meeting.objects.exists()

    client.post(f"/sessions/pair/{cast.pair.pk}/agreement/")
    client.force_login(cast.senior)
    client.post(f"/sessions/pair/{cast.pair.pk}/agreement/")
    assert _propose(client, cast.pair).status_code == 302
    assert Meeting.objects.get().proposed_by == cast.senior


def test_a_proposed_time_is_read_in_the_proposers_zone_and_both_get_an_ics_invite(cast, login):
    both_accept(cast.pair)
    cast.junior.profile.timezone = "America/New_York"
    cast.junior.profile.save()
    response = _propose(login(cast.junior), cast.pair, starts_at=_future(hour=9))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (9, 0)

    assert outbox.send_due() >= 2
    invites = [m for m in mail.outbox if "Meeting with" in m.subject]
    assert sorted(m.to[0] for m in invites) == ["junior@example.com", "senior@example.com"]
    to_senior = next(m for m in invites if m.to == ["senior@example.com"])
    london = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    assert f"{london:%H:%M}" in to_senior.body and "Europe/London" in to_senior.body
    assert "Asha Junior" in to_senior.subject
    calendar = Calendar.from_ical(to_senior.attachments[0][1])
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@twoway"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert "mailto:junior@example.com" in str(event["ORGANIZER"])
    assert {str(a) for a in event["ATTENDEE"]} == {
        "mailto:junior@example.com",
        "mailto:senior@example.com",
    }
    assert event["SUMMARY"] == "Reverse mentoring meeting"
    assert event["LOCATION"] == "https://meet.example.com/abc"


def test_rescheduling_sends_the_same_uid_with_the_next_sequence(cast, login):
    both_accept(cast.pair)
    client = login(cast.junior)
    _propose(client, cast.pair)
    meeting = Meeting.objects.get()
    outbox.send_due()
    mail.outbox.clear()

    client.force_login(cast.senior)
    response = client.post(
        f"/sessions/meetings/{meeting.pk}/edit/",
        {"starts_at": _future(days=6, hour=16), "duration_minutes": 60, "location": "Room 4"},
    )
    assert response.status_code == 302
    outbox.send_due()
    assert len(mail.outbox) == 2 and all("Meeting moved" in m.subject for m in mail.outbox)
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@twoway" and event["SEQUENCE"] == 1
    assert event["LOCATION"] == "Room 4"


def test_either_partner_can_cancel_and_calendars_get_a_cancel(cast, login):
    both_accept(cast.pair)
    meeting = MeetingFactory(pair=cast.pair, proposed_by=cast.junior)
    client = login(cast.senior)
    assert client.post(f"/sessions/meetings/{meeting.pk}/cancel/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1
    outbox.send_due()
    assert len(mail.outbox) == 2 and all(m.subject.startswith("Cancelled") for m in mail.outbox)
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert str(calendar.walk("VEVENT")[0]["UID"]) == f"{meeting.uid}@twoway"
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "No meeting scheduled yet." in page


def test_an_invite_superseded_before_it_went_out_is_not_sent(cast, login):
    both_accept(cast.pair)
    client = login(cast.junior)
    _propose(client, cast.pair)
    meeting = Meeting.objects.get()
    client.post(
        f"/sessions/meetings/{meeting.pk}/edit/",
        {"starts_at": _future(days=8), "duration_minutes": 30, "location": ""},
    )
    outbox.send_due()
    assert len(mail.outbox) == 2
    assert all(
        Calendar.from_ical(m.attachments[0][1]).walk("VEVENT")[0]["SEQUENCE"] == 1
        for m in mail.outbox
    )


def test_meeting_reminders_are_scheduled_and_dropped_on_cancel(cast, login):
    both_accept(cast.pair)
    client = login(cast.junior)
    _propose(client, cast.pair)
    meeting = Meeting.objects.get()
    assert OutboxMessage.objects.filter(kind="meeting_reminder", sent_at__isnull=True).count() == 4
    client.post(f"/sessions/meetings/{meeting.pk}/cancel/")
    assert not OutboxMessage.objects.filter(kind="meeting_reminder", sent_at__isnull=True).exists()


@pytest.mark.parametrize(
    "location,error",
    [
        ("javascript:alert(1)", "http:// or https://"),
        ("ftp://files.example.com/x", "http:// or https://"),
        ("https://exa mple.com", "valid web address"),
        ("data:text/html,hi", "http:// or https://"),
    ],
)
def test_links_other_than_http_are_refused(cast, login, location, error):
    both_accept(cast.pair)
    response = _propose(login(cast.junior), cast.pair, location=location)
    assert error in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "location,stored",
    [
        ("Café on floor 2", "Café on floor 2"),
        ("meet.example.com/abc", "https://meet.example.com/abc"),
        ("Room 3: by the window", "Room 3: by the window"),
    ],
)
def test_places_and_web_links_are_accepted(cast, login, location, stored):
    both_accept(cast.pair)
    assert _propose(login(cast.junior), cast.pair, location=location).status_code == 302
    assert Meeting.objects.get().location == stored


@pytest.mark.parametrize(
    "data,error",
    [
        ({"starts_at": "2001-01-01T10:00"}, "in the future"),
        ({"starts_at": "not a date"}, "Enter a valid date/time"),
        ({"duration_minutes": 0}, "greater than or equal to 5"),
        ({"duration_minutes": 9999}, "less than or equal to 480"),
    ],
)
def test_bad_meeting_input_gets_a_message_and_changes_nothing(cast, login, data, error):
    both_accept(cast.pair)
    response = _propose(login(cast.junior), cast.pair, **data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_time_skipped_by_the_clocks_changing_is_refused(cast, login):
    both_accept(cast.pair)
    year = timezone.localdate().year + 1
    # The last Sunday of March: 01:30 does not exist in London.
    day = max(d for d in range(25, 32) if datetime(year, 3, d).weekday() == 6)
    response = _propose(login(cast.junior), cast.pair, starts_at=f"{year}-03-{day:02d}T01:30")
    page = response.content.decode()
    assert f"01:30 on {day} March {year} does not exist in Europe/London" in page
    assert "Choose 02:30 instead" in page
    assert not Meeting.objects.exists()


def test_the_ics_download_is_for_members_only(cast, login):
    meeting = MeetingFactory(pair=cast.pair)
    client = login(cast.junior)
    response = client.get(f"/sessions/meetings/{meeting.pk}/invite.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert f"{meeting.uid}@twoway" in response.content.decode()
    for person in (cast.outsider, cast.hr, cast.manager):
        client.force_login(person)
        assert client.get(f"/sessions/meetings/{meeting.pk}/invite.ics").status_code == 404
        assert client.post(f"/sessions/meetings/{meeting.pk}/cancel/").status_code == 404
        assert client.get(f"/sessions/meetings/{meeting.pk}/edit/").status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_moving_a_meeting_starts_from_its_time_in_the_movers_zone(cast, login):
    cast.senior.profile.timezone = "Asia/Singapore"
    cast.senior.profile.save()
    meeting = MeetingFactory(pair=cast.pair, starts_at=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    form = login(cast.senior).get(f"/sessions/meetings/{meeting.pk}/edit/").content.decode()
    assert 'value="2030-01-10T17:00"' in form  # 09:00 UTC is 17:00 in Singapore


def test_invites_are_outbox_rows_due_now_keyed_by_uid_and_sequence(cast, login):
    both_accept(cast.pair)
    client = login(cast.junior)
    _propose(client, cast.pair)
    meeting = Meeting.objects.get()
    client.post(f"/sessions/meetings/{meeting.pk}/cancel/")
    rows = OutboxMessage.objects.filter(kind__in=["meeting_invite", "meeting_cancelled"])
    keys = set(rows.values_list("kind", "dedupe_key"))
    j, s = cast.junior.pk, cast.senior.pk
    assert keys == {
        ("meeting_invite", f"meetingmail:{meeting.uid}:0:meeting_invite:{j}"),
        ("meeting_invite", f"meetingmail:{meeting.uid}:0:meeting_invite:{s}"),
        ("meeting_cancelled", f"meetingmail:{meeting.uid}:1:meeting_cancelled:{j}"),
        ("meeting_cancelled", f"meetingmail:{meeting.uid}:1:meeting_cancelled:{s}"),
    }
    assert all(row.due_at <= timezone.now() for row in rows)
    outbox.send_due()
    # The invite was overtaken by the cancellation before the sweep: only the cancel goes out.
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == ["Cancelled", "Cancelled"]
