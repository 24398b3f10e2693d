"""Meeting reminder timing (DST-correct, per recipient) and the quiet-pair nudges and HR alerts."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from mentoring import outbox
from mentoring.models import OutboxMessage
from sessions_log import reminders
from sessions_log.models import Meeting, SessionLog
from sessions_log.reminders import meeting_reminder_times
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- pure timing -------------------------------------------------------------------------------


def test_a_london_meeting_the_day_the_clocks_go_forward_is_reminded_at_the_same_wall_time():
    times = dict(meeting_reminder_times(at(LONDON, 2026, 3, 29, 9, 0), "Europe/London"))
    assert times["24h"] == utc(2026, 3, 28, 9, 0)  # 09:00 GMT on Saturday
    assert times["24h"].astimezone(LONDON).hour == 9
    assert at(LONDON, 2026, 3, 29, 9, 0) - times["24h"] == timedelta(hours=23)
    assert times["1h"] == utc(2026, 3, 29, 7, 0)  # 08:00 BST


def test_a_london_meeting_the_day_the_clocks_go_back_is_reminded_25_real_hours_before():
    times = dict(meeting_reminder_times(at(LONDON, 2026, 10, 25, 9, 0), "Europe/London"))
    assert times["24h"] == utc(2026, 10, 24, 8, 0)  # 09:00 BST on Saturday
    assert times["24h"].astimezone(LONDON).hour == 9
    assert at(LONDON, 2026, 10, 25, 9, 0) - times["24h"] == timedelta(hours=25)
    assert times["1h"] == utc(2026, 10, 25, 8, 0)


def test_a_new_york_meeting_after_the_us_change_is_reminded_in_new_york_time():
    # The US springs forward on 8 March 2026, three weeks before Europe.
    times = dict(meeting_reminder_times(at(NEW_YORK, 2026, 3, 8, 10, 30), "America/New_York"))
    assert times["24h"].astimezone(NEW_YORK) == at(NEW_YORK, 2026, 3, 7, 10, 30)
    assert times["24h"] == utc(2026, 3, 7, 15, 30)
    assert times["1h"] == utc(2026, 3, 8, 13, 30)


def test_each_person_is_reminded_in_their_own_zone():
    starts = at(LONDON, 2026, 3, 29, 9, 0)  # 04:00 in New York, still on EDT since 8 March
    london = dict(meeting_reminder_times(starts, "Europe/London"))
    new_york = dict(meeting_reminder_times(starts, "America/New_York"))
    assert new_york["24h"].astimezone(NEW_YORK) == at(NEW_YORK, 2026, 3, 28, 4, 0)
    assert new_york["24h"] != london["24h"]
    assert new_york["1h"] == london["1h"]


def test_labels_come_in_the_order_they_fall_due():
    times = meeting_reminder_times(utc(2026, 6, 1, 12), "Asia/Kolkata")
    assert [label for label, _ in times] == ["24h", "1h"]
    assert times[0][1] < times[1][1]
    assert all(moment.tzinfo is UTC for _, moment in times)


def test_a_wall_time_the_clocks_skip_falls_just_after_the_change():
    # A Monday 01:30 meeting: Sunday 01:30 never happens in London on 29 March 2026.
    times = dict(meeting_reminder_times(at(LONDON, 2026, 3, 30, 1, 30), "Europe/London"))
    assert times["24h"].astimezone(LONDON) == at(LONDON, 2026, 3, 29, 2, 30)


def test_it_refuses_naive_times_and_unknown_zones():
    with pytest.raises(ValueError):
        meeting_reminder_times(datetime(2026, 3, 29, 9), "Europe/London")
    with pytest.raises(ValueError):
        meeting_reminder_times(utc(2026, 3, 29, 9), "Mars/Olympus_Mons")


def test_nudges_wait_for_working_hours_in_the_recipients_zone():
    saturday_night = utc(2026, 3, 28, 23, 0)
    assert reminders.within_working_hours(saturday_night, LONDON) == utc(2026, 3, 30, 8, 0)
    tuesday_noon = utc(2026, 3, 31, 11, 0)
    assert reminders.within_working_hours(tuesday_noon, LONDON) == tuesday_noon
    early_wednesday = utc(2026, 4, 1, 5, 0)  # 06:00 BST
    assert reminders.within_working_hours(early_wednesday, LONDON) == utc(2026, 4, 1, 8, 0)


# --- meeting reminder scheduling --------------------------------------------------------------


def _meeting(pair, starts_at: datetime, **kwargs) -> Meeting:
    return Meeting.objects.create(pair=pair, starts_at=starts_at, **kwargs)


@pytest.fixture
def new_yorker_pair(cast):
    cast.senior.profile.timezone = "America/New_York"
    cast.senior.profile.save()
    return cast


def test_both_members_get_both_reminders_in_their_own_zone(new_yorker_pair):
    cast = new_yorker_pair
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    rows = reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    due = {(row.recipient_id, row.payload["label"]): row.due_at for row in rows}
    assert due == {
        (cast.junior.pk, "24h"): utc(2026, 3, 28, 9, 0),
        (cast.junior.pk, "1h"): utc(2026, 3, 29, 7, 0),
        (cast.senior.pk, "24h"): utc(2026, 3, 28, 8, 0),  # 04:00 New York (EDT)
        (cast.senior.pk, "1h"): utc(2026, 3, 29, 7, 0),
    }
    assert {row.dedupe_key for row in rows} >= {
        f"meeting:{meeting.pk}:0:{cast.junior.pk}:24h",
        f"meeting:{meeting.pk}:0:{cast.senior.pk}:1h",
    }


def test_scheduling_twice_makes_no_second_set(cast):
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    assert OutboxMessage.objects.filter(kind="meeting_reminder").count() == 4


def test_reminders_already_past_are_skipped(cast):
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    rows = reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 28, 12))
    assert sorted(row.payload["label"] for row in rows) == ["1h", "1h"]


def test_a_rescheduled_meeting_is_reminded_at_the_new_time_only(cast):
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    meeting.starts_at = at(LONDON, 2026, 4, 2, 15, 0)
    meeting.sequence += 1
    meeting.save()
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    rows = OutboxMessage.objects.filter(kind="meeting_reminder")
    assert rows.count() == 4
    assert {row.payload["sequence"] for row in rows} == {1}
    assert min(row.due_at for row in rows) == utc(2026, 4, 1, 14, 0)


def test_a_cancelled_meeting_loses_its_pending_reminders_but_keeps_sent_ones(cast):
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    rows = reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    OutboxMessage.objects.filter(pk=rows[0].pk).update(sent_at=utc(2026, 3, 28, 9))
    assert reminders.cancel_meeting_reminders(meeting=meeting) == 3
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [rows[0].pk]


def test_an_ended_pair_or_a_cancelled_meeting_gets_no_reminders(cast):
    cancelled = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0), status=Meeting.Status.CANCELLED)
    assert reminders.schedule_meeting_reminders(meeting=cancelled, now=utc(2026, 3, 1)) == []
    cast.pair.end("moved on")
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 30, 9, 0))
    assert reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1)) == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "starts_at, zone, expect_local",
    [
        (at(LONDON, 2026, 3, 29, 9, 0), "Europe/London", (2026, 3, 28, 9, 0)),
        (at(LONDON, 2026, 10, 25, 9, 0), "Europe/London", (2026, 10, 24, 9, 0)),
        (at(NEW_YORK, 2026, 11, 1, 9, 0), "America/New_York", (2026, 10, 31, 9, 0)),
    ],
)
def test_an_outbox_run_sends_each_reminder_once_at_the_right_local_time(
    cast, starts_at, zone, expect_local
):
    cast.junior.profile.timezone = zone
    cast.junior.profile.save()
    meeting = _meeting(cast.pair, starts_at)
    reminders.schedule_meeting_reminders(meeting=meeting, now=starts_at - timedelta(days=7))
    tz = zoneinfo.ZoneInfo(zone)
    expected = datetime(*expect_local, tzinfo=tz)
    mine = OutboxMessage.objects.filter(recipient=cast.junior, payload__label="24h")

    # One minute before the local wall time, nothing for the junior; at it, exactly one email.
    before = expected - timedelta(minutes=1)
    outbox.send_due(now=before)
    assert not mine.filter(sent_at__isnull=False).exists()
    outbox.send_due(now=expected)
    outbox.send_due(now=expected + timedelta(minutes=1))
    to_junior = [m for m in mail.outbox if m.to == [cast.junior.email]]
    assert len(to_junior) == 1
    assert f"{expected:%H:%M}" in to_junior[0].subject  # the meeting's local time, tomorrow
    assert f"({zone})" in to_junior[0].body
    assert mine.get().sent_at is not None


def test_the_reminder_shows_the_recipients_local_time_and_links_to_the_pair_page(new_yorker_pair):
    cast = new_yorker_pair
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0), location="Room 4 & café")
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    outbox.send_due(now=utc(2026, 3, 29, 7, 30))
    to_senior = [m for m in mail.outbox if m.to == [cast.senior.email]]
    assert to_senior, "the senior got their reminders"
    reminder = to_senior[-1]
    assert "Sunday 29 March 2026, 04:00 (America/New_York)" in reminder.body
    assert "Room 4 & café" in reminder.body  # plain text is not HTML-escaped
    html = reminder.alternatives[0].content
    assert "Room 4 &amp; café" in html
    assert f"/sessions/pair/{cast.pair.pk}/" in reminder.body
    assert "unsubscribe" not in reminder.body.lower()
    assert "List-Unsubscribe" not in reminder.extra_headers


def test_a_reminder_for_a_meeting_moved_since_is_skipped(cast):
    meeting = _meeting(cast.pair, at(LONDON, 2026, 3, 29, 9, 0))
    reminders.schedule_meeting_reminders(meeting=meeting, now=utc(2026, 3, 1))
    Meeting.objects.filter(pk=meeting.pk).update(sequence=5)  # moved without the service
    outbox.send_due(now=utc(2026, 3, 29, 8))
    assert mail.outbox == []
    assert set(OutboxMessage.objects.values_list("skipped_reason", flat=True)) == {
        "nothing to send any more"
    }


# --- quiet pairs -------------------------------------------------------------------------------


def _published(cast, when: datetime) -> None:
    cast.pair.published_at = when
    cast.pair.save(update_fields=["published_at"])


def _log(pair, held_on: date) -> SessionLog:
    return SessionLog.objects.create(pair=pair, held_on=held_on, minutes=45, direction="both")


# A Tuesday at 10:00 London: inside working hours, so nudges are due at once.
NOW = utc(2026, 6, 16, 9, 0)


def test_a_pair_quiet_for_the_cadence_is_nudged_once(cast):
    _published(cast, NOW - timedelta(days=15))  # cadence 14 days
    reminders.scan_quiet_pairs(now=NOW)
    reminders.scan_quiet_pairs(now=NOW + timedelta(hours=1))
    nudges = OutboxMessage.objects.filter(kind="quiet_pair_nudge")
    assert sorted(nudges.values_list("recipient_id", flat=True)) == sorted(
        [cast.junior.pk, cast.senior.pk]
    )
    assert not OutboxMessage.objects.filter(kind="quiet_pair_hr_alert").exists()

    outbox.send_due(now=NOW + timedelta(hours=1))
    assert sorted(m.to[0] for m in mail.outbox) == [cast.junior.email, cast.senior.email]
    to_junior = next(m for m in mail.outbox if m.to == [cast.junior.email])
    assert "Robert Senior" in to_junior.subject
    assert "no session has been logged yet" in to_junior.body
    assert f"/sessions/pair/{cast.pair.pk}/" in to_junior.body
    assert "/sessions/preferences/unsubscribe/" in to_junior.body
    assert "/sessions/preferences/unsubscribe/" in to_junior.alternatives[0].content
    assert to_junior.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_pair_within_its_cadence_is_left_alone(cast):
    _published(cast, NOW - timedelta(days=30))
    _log(cast.pair, (NOW - timedelta(days=13)).date())
    assert reminders.scan_quiet_pairs(now=NOW) == 0
    assert not OutboxMessage.objects.exists()


def test_a_pair_with_a_meeting_booked_is_not_nudged(cast):
    _published(cast, NOW - timedelta(days=20))
    _meeting(cast.pair, NOW + timedelta(days=2))
    assert reminders.scan_quiet_pairs(now=NOW) == 0
    # Once that date has passed with nothing logged, the pair is quiet again.
    assert reminders.scan_quiet_pairs(now=NOW + timedelta(days=3)) == 2


def test_a_nudge_waiting_for_working_hours_is_dropped_if_a_meeting_gets_booked(cast):
    _published(cast, NOW - timedelta(days=20))
    reminders.scan_quiet_pairs(now=NOW)
    _meeting(cast.pair, NOW + timedelta(days=2))
    outbox.send_due(now=NOW)
    assert mail.outbox == []
    assert set(OutboxMessage.objects.values_list("skipped_reason", flat=True)) == {
        "nothing to send any more"
    }


def test_a_new_quiet_spell_after_a_session_is_nudged_again(cast):
    _published(cast, NOW - timedelta(days=60))
    _log(cast.pair, (NOW - timedelta(days=45)).date())
    reminders.scan_quiet_pairs(now=NOW)
    _log(cast.pair, (NOW + timedelta(days=1)).date())
    reminders.scan_quiet_pairs(now=NOW + timedelta(days=14))
    assert reminders.scan_quiet_pairs(now=NOW + timedelta(days=15)) > 0
    spells = set(
        OutboxMessage.objects.filter(kind="quiet_pair_nudge", recipient=cast.junior).values_list(
            "payload__quiet_since", flat=True
        )
    )
    assert spells == {
        (NOW - timedelta(days=45)).date().isoformat(),
        (NOW + timedelta(days=1)).date().isoformat(),
    }


def test_hr_is_alerted_a_week_after_the_nudge_if_the_pair_is_still_quiet(cast):
    _published(cast, NOW - timedelta(days=15))
    reminders.scan_quiet_pairs(now=NOW)
    outbox.send_due(now=NOW)
    alerts = OutboxMessage.objects.filter(kind="quiet_pair_hr_alert")
    reminders.scan_quiet_pairs(now=NOW + timedelta(days=6, hours=23))
    assert not alerts.exists()

    a_week_later = NOW + timedelta(days=7)
    reminders.scan_quiet_pairs(now=a_week_later)
    reminders.scan_quiet_pairs(now=a_week_later + timedelta(hours=1))
    assert list(alerts.values_list("recipient_id", flat=True)) == [cast.hr.pk]
    mail.outbox.clear()
    outbox.send_due(now=a_week_later)
    assert [m.to for m in mail.outbox] == [[cast.hr.email]]
    alert = mail.outbox[0]
    assert "Asha Junior" in alert.subject and "Robert Senior" in alert.subject
    assert "22 days" in alert.subject
    assert "/cohorts/autumn/" in alert.body
    assert "unsubscribe" not in alert.body.lower()  # an alert to HR is not a nudge


def test_a_pair_found_long_quiet_is_nudged_first_and_hr_hears_only_a_week_later(cast):
    _published(cast, NOW - timedelta(days=60))
    reminders.scan_quiet_pairs(now=NOW)
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {"quiet_pair_nudge"}


def test_a_session_logged_before_the_alert_goes_cancels_it(cast):
    _published(cast, NOW - timedelta(days=15))
    reminders.scan_quiet_pairs(now=NOW)
    outbox.send_due(now=NOW)
    reminders.scan_quiet_pairs(now=NOW + timedelta(days=7))
    mail.outbox.clear()
    _log(cast.pair, (NOW + timedelta(days=7)).date())
    outbox.send_due(now=NOW + timedelta(days=7))
    assert mail.outbox == []
    alert = OutboxMessage.objects.get(kind="quiet_pair_hr_alert")
    assert alert.skipped_reason == "nothing to send any more"


def test_people_who_turned_nudges_off_get_none_but_hr_alerts_still_go(cast):
    cast.junior.profile.nudges_enabled = False
    cast.junior.profile.save()
    cast.senior.profile.nudges_enabled = False
    cast.senior.profile.save()
    _published(cast, NOW - timedelta(days=15))
    reminders.scan_quiet_pairs(now=NOW)
    outbox.send_due(now=NOW)
    assert mail.outbox == []
    reminders.scan_quiet_pairs(now=NOW + timedelta(days=7))
    outbox.send_due(now=NOW + timedelta(days=7))
    assert [m.to[0] for m in mail.outbox] == [cast.hr.email]


def test_nudges_for_a_night_owl_zone_wait_for_their_morning(cast):
    cast.senior.profile.timezone = "Asia/Tokyo"  # 18:00 in Tokyo at NOW
    cast.senior.profile.save()
    _published(cast, NOW - timedelta(days=15))
    reminders.scan_quiet_pairs(now=NOW)
    due = OutboxMessage.objects.get(recipient=cast.senior).due_at
    assert due.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")) == datetime(
        2026, 6, 17, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")
    )


def test_ended_pairs_and_inactive_cohorts_are_not_scanned(cast):
    _published(cast, NOW - timedelta(days=40))
    cast.pair.end("re-matched")
    other = factories.PairFactory(published_at=NOW - timedelta(days=40))
    other.cohort.status = "closed"
    other.cohort.save()
    assert reminders.scan_quiet_pairs(now=NOW) == 0


@pytest.mark.parametrize("pairs", [3, 30])
def test_the_scan_takes_a_fixed_number_of_queries(db, django_assert_max_num_queries, pairs):
    factories.hr_admin()
    cohort = factories.CohortFactory()
    for _ in range(pairs):
        factories.PairFactory(cohort=cohort, published_at=NOW - timedelta(days=30))
    with django_assert_max_num_queries(4):
        reminders.scan_quiet_pairs(now=NOW)
    assert OutboxMessage.objects.filter(kind="quiet_pair_nudge").count() == 2 * pairs
    OutboxMessage.objects.update(sent_at=NOW)
    with django_assert_max_num_queries(5):
        reminders.scan_quiet_pairs(now=NOW + timedelta(days=7))
    assert OutboxMessage.objects.filter(kind="quiet_pair_hr_alert").count() == pairs


def test_beat_sweeps_every_minute_and_scans_for_quiet_pairs_hourly(settings):
    from mentoring.celery import app

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["mentoring.outbox.tasks.send_due_messages"] == 60.0
    assert schedule["sessions_log.tasks.scan_quiet_pairs"] == 3600.0
    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks), "every scheduled task exists"
