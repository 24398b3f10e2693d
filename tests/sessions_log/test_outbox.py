"""The outbox sweep: claimed sends, retries with backoff, skips, privacy, and the nudge opt-out."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts import nudges
from mentoring import outbox
from mentoring.models import OutboxMessage
from mentoring.outbox import registry, tasks
from sessions_log import reminders
from sessions_log.models import Meeting, PrivateNote, SessionLog

SECRET = "my partner keeps talking over me"  # private note text that must never travel


@pytest.fixture
def test_kinds():
    """Two throwaway kinds: a plain one and a nudge whose template forgot the opt-out link."""
    built: list[int] = []

    def hello(reminder: OutboxMessage) -> outbox.Email | None:
        built.append(reminder.pk)
        if reminder.payload.get("explode"):
            raise ValueError(f"builder blew up near {SECRET}")
        if reminder.payload.get("bad_sql"):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_at_all")
        if reminder.payload.get("gone"):
            return None
        return outbox.Email(
            subject="Hello & welcome",
            text="Plain words.",
            html="<html><body><p>Plain words.</p></body></html>",
        )

    outbox.register("test_hello")(hello)
    outbox.register("test_nudge", nudge=True)(hello)
    yield built
    for name in ("test_hello", "test_nudge"):
        registry._KINDS.pop(name, None)


def _row(user, kind="test_hello", *, due=None, key=None, **payload) -> OutboxMessage:
    return outbox.schedule(
        recipient=user,
        kind=kind,
        due_at=due or timezone.now(),
        dedupe_key=key or f"test:{OutboxMessage.objects.count()}:{kind}",
        payload=payload,
    )


def test_a_due_row_is_sent_once_with_text_and_html_and_marked_sent(cast, test_kinds):
    row = _row(cast.junior)
    assert outbox.send_due() == 1
    assert outbox.send_due() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.junior.email]
    assert message.body == "Plain words."
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["X-Twoway-Reminder"] == str(row.pk)
    assert message.extra_headers["Message-ID"] == f"<reminder-{row.pk}.test_hello@127.0.0.1>"
    row.refresh_from_db()
    assert row.sent_at is not None and row.skipped_reason == ""


def test_rows_not_yet_due_wait(cast, test_kinds):
    _row(cast.junior, due=timezone.now() + timedelta(minutes=5))
    assert outbox.send_due() == 0
    assert mail.outbox == []
    assert outbox.send_due(now=timezone.now() + timedelta(minutes=6)) == 1


def test_the_same_dedupe_key_never_makes_a_second_row(cast, test_kinds):
    first = _row(cast.junior, key="once")
    again = _row(cast.junior, key="once")
    assert first.pk == again.pk
    planned = [
        outbox.Planned(
            recipient_id=cast.junior.pk, kind="test_hello", due_at=timezone.now(), dedupe_key=key
        )
        for key in ("once", "twice")
    ]
    outbox.schedule_many(planned)
    outbox.schedule_many(planned)
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["once", "twice"]


def test_a_mail_server_failure_is_retried_later_with_a_growing_delay(
    cast, test_kinds, monkeypatch, caplog
):
    row = _row(cast.junior)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    moment = timezone.now()
    outbox.send_due(now=moment)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert row.due_at == moment + timedelta(minutes=10)
    assert "SMTPServerDisconnected" in row.last_error
    assert outbox.send_due(now=moment + timedelta(minutes=9)) == 0
    outbox.send_due(now=moment + timedelta(minutes=10))
    row.refresh_from_db()
    assert row.attempts == 2 and row.due_at == moment + timedelta(minutes=30)

    monkeypatch.undo()
    outbox.send_due(now=row.due_at)
    row.refresh_from_db()
    assert row.sent_at is not None and len(mail.outbox) == 1


def test_it_gives_up_after_eight_failures_and_the_sweep_goes_on(cast, test_kinds):
    hopeless = _row(cast.junior, explode=True)
    fine = _row(cast.senior)
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.send_due(now=moment)
        moment += timedelta(days=1)
    hopeless.refresh_from_db()
    fine.refresh_from_db()
    assert hopeless.attempts == outbox.MAX_ATTEMPTS
    assert hopeless.skipped_reason == "gave up after 8 attempts"
    assert hopeless.sent_at is not None
    assert fine.sent_at is not None
    assert [m.to for m in mail.outbox] == [[cast.senior.email]]


def test_a_database_error_in_a_builder_leaves_the_sweep_working(cast, test_kinds):
    broken = _row(cast.junior, bad_sql=True)
    fine = _row(cast.senior)
    assert outbox.send_due() == 2
    broken.refresh_from_db()
    assert broken.attempts == 1 and broken.sent_at is None
    assert OutboxMessage.objects.get(pk=fine.pk).sent_at is not None


def test_failures_never_write_builder_text_to_the_row_or_the_log(cast, test_kinds, caplog):
    row = _row(cast.junior, explode=True)
    with caplog.at_level(logging.DEBUG):
        outbox.send_due()
    row.refresh_from_db()
    assert row.last_error == "ValueError"
    assert SECRET not in caplog.text
    assert f"reminder {row.pk} (test_hello) failed" in caplog.text


@pytest.mark.parametrize(
    "payload",
    [
        {"note": SECRET * 4},
        {"summary": {"text": "anything"}},
        {"ids": ["a", "b"]},
    ],
)
def test_payloads_carry_ids_and_short_labels_only(cast, test_kinds, payload):
    with pytest.raises(ValueError):
        outbox.schedule(
            recipient=cast.junior,
            kind="test_hello",
            due_at=timezone.now(),
            dedupe_key="x",
            payload=payload,
        )
    assert not OutboxMessage.objects.exists()


def test_unknown_kinds_and_naive_times_are_refused(cast, test_kinds):
    with pytest.raises(ValueError):
        outbox.schedule(
            recipient=cast.junior, kind="no_such_kind", due_at=timezone.now(), dedupe_key="x"
        )
    with pytest.raises(ValueError):
        outbox.schedule(
            recipient=cast.junior, kind="test_hello", due_at=datetime(2026, 1, 1), dedupe_key="x"
        )
    with pytest.raises(ValueError):
        outbox.cancel(dedupe_prefix="")


@pytest.mark.parametrize(
    "setup, reason",
    [
        (
            lambda cast: cast.junior.__class__.objects.filter(pk=cast.junior.pk).update(
                is_active=False
            ),
            "recipient inactive",
        ),
        (
            lambda cast: nudges.set_nudges(user=cast.junior, enabled=False),
            "recipient turned nudges off",
        ),
    ],
)
def test_rows_that_should_not_go_are_recorded_as_skipped(cast, test_kinds, setup, reason):
    row = _row(cast.junior, kind="test_nudge")
    setup(cast)
    outbox.send_due()
    row.refresh_from_db()
    assert mail.outbox == []
    assert row.sent_at is not None and row.skipped_reason == reason


def test_a_builder_with_nothing_to_say_any_more_is_skipped(cast, test_kinds):
    row = _row(cast.junior, gone=True)
    outbox.send_due()
    row.refresh_from_db()
    assert mail.outbox == [] and row.skipped_reason == "nothing to send any more"


def test_meeting_reminders_ignore_the_nudge_preference(cast):
    nudges.set_nudges(user=cast.junior, enabled=False)
    meeting = Meeting.objects.create(
        pair=cast.pair, starts_at=timezone.now() + timedelta(minutes=90)
    )
    reminders.schedule_meeting_reminders(meeting=meeting)
    outbox.send_due(now=timezone.now() + timedelta(minutes=31))
    assert sorted(m.to[0] for m in mail.outbox) == [cast.junior.email, cast.senior.email]


def test_every_nudge_carries_an_unsubscribe_link_even_if_its_template_forgot(cast, test_kinds):
    _row(cast.junior, kind="test_nudge")
    outbox.send_due()
    message = mail.outbox[0]
    url = nudges.unsubscribe_url(cast.junior)
    assert url in message.body
    assert url in message.alternatives[0].content
    assert message.alternatives[0].content.rstrip().endswith("</body></html>")
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"


def test_send_soon_asks_for_a_sweep_only_after_commit(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_due_messages, "delay", lambda *a, **k: queued.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_soon()
        assert queued == []
    assert queued == [1]


def test_send_soon_survives_a_missing_broker(cast, monkeypatch, django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("redis is away")

    monkeypatch.setattr(tasks.send_due_messages, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_soon()  # the beat will find the row; the request must not fail


def test_a_big_backlog_brings_in_helper_sweeps_that_do_not_multiply(cast, test_kinds, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_due_messages, "delay", lambda *a, **k: queued.append(k))
    monkeypatch.setattr(tasks, "HELPER_THRESHOLD", 2)
    for _ in range(3):
        _row(cast.junior)
    assert tasks.send_due_messages(helpers=1) == 3
    assert queued == [{}]  # one helper, queued with helpers=0
    assert tasks.send_due_messages(helpers=1) == 0
    assert queued == [{}]


def test_no_email_row_or_log_line_ever_holds_private_note_text(cast, caplog):
    published = timezone.now() - timedelta(days=40)
    cast.pair.published_at = published
    cast.pair.save()
    log = SessionLog.objects.create(
        pair=cast.pair, held_on=published.date(), minutes=30, direction="both"
    )
    PrivateNote.objects.create(session_log=log, author=cast.junior, body=SECRET)
    meeting = Meeting.objects.create(pair=cast.pair, starts_at=timezone.now() + timedelta(days=2))
    with caplog.at_level(logging.DEBUG):
        reminders.schedule_meeting_reminders(meeting=meeting)
        outbox.send_due(now=timezone.now() + timedelta(hours=47, minutes=30))
        reminders.scan_quiet_pairs(now=timezone.now() + timedelta(days=3))  # after the meeting
        outbox.send_due(now=timezone.now() + timedelta(days=6))  # nudges wait for a weekday
        reminders.scan_quiet_pairs(now=timezone.now() + timedelta(days=14))  # HR, a week on
        outbox.send_due(now=timezone.now() + timedelta(days=18))
    kinds = set(OutboxMessage.objects.exclude(skipped_reason__gt="").values_list("kind", flat=True))
    assert kinds == {"meeting_reminder", "quiet_pair_nudge", "quiet_pair_hr_alert"}
    assert len(mail.outbox) == 4 + 2 + 1
    for message in mail.outbox:
        assert SECRET not in message.body
        assert SECRET not in message.alternatives[0].content
    assert not OutboxMessage.objects.filter(payload__icontains="talking").exists()
    assert SECRET not in caplog.text


# --- the nudge preference pages ---------------------------------------------------------------


def test_the_unsubscribe_link_asks_first_and_works_without_logging_in(cast, client):
    url = nudges.unsubscribe_url(cast.junior).removeprefix("http://127.0.0.1:8000")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Turn off nudges" in page.content
    cast.junior.profile.refresh_from_db()
    assert cast.junior.profile.nudges_enabled  # a GET (a link scanner) changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert b"gets no more nudges" in done.content
    cast.junior.profile.refresh_from_db()
    assert not cast.junior.profile.nudges_enabled

    client.post(url, {"nudges": "on"})
    cast.junior.profile.refresh_from_db()
    assert cast.junior.profile.nudges_enabled


def test_mail_clients_one_click_unsubscribe_needs_no_csrf_token(cast):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = nudges.unsubscribe_url(cast.senior).removeprefix("http://127.0.0.1:8000")
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    cast.senior.profile.refresh_from_db()
    assert not cast.senior.profile.nudges_enabled


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ:1abc:xyz", "a" * 300])
def test_a_bad_or_forged_token_changes_nothing_and_says_so(cast, client, token):
    response = client.post(f"/sessions/preferences/unsubscribe/{token}/")
    assert response.status_code == 404
    assert b"not valid" in response.content
    cast.junior.profile.refresh_from_db()
    assert cast.junior.profile.nudges_enabled


def test_a_token_made_for_another_purpose_is_refused(cast, client):
    from django.core import signing

    forged = signing.Signer(salt="some.other.purpose").sign_object({"u": cast.junior.pk})
    assert client.post(f"/sessions/preferences/unsubscribe/{forged}/").status_code == 404


def test_the_preference_page_needs_a_login(client):
    response = client.get("/sessions/preferences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_participant_turns_nudges_off_and_on_from_their_preference_page(cast, login):
    client = login(cast.junior)
    page = client.get("/sessions/preferences/")
    assert b"checked" in page.content
    response = client.post("/sessions/preferences/", {}, follow=True)
    assert b"Nudges are off" in response.content
    assert b"checked" not in response.content
    client.post("/sessions/preferences/", {"nudges": "on"})
    cast.junior.profile.refresh_from_db()
    assert cast.junior.profile.nudges_enabled


def test_nothing_is_scheduled_as_a_celery_countdown_or_eta():
    """Work for later is an outbox row; a countdown or ETA task dies with its broker."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in ("accounts", "mentoring", "pairing", "sessions_log")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\b(countdown|eta)\s*=", line)
    ]
    assert offenders == []
