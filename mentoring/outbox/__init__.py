"""The reminder outbox: every email the programme sends is a row first.

Apps register a builder per kind in their own ``emails.py`` module (found at start-up):

    @outbox.register("invitation")
    def invitation(reminder: OutboxMessage) -> outbox.Email | None: ...

and schedule rows with :func:`schedule` (or :func:`schedule_many` for a batch). :func:`send_due`
(run by beat every minute through ``mentoring.outbox.tasks.send_due_messages``) claims due rows one
at a time with ``select_for_update(skip_locked=True)``, sends, and marks each sent inside the
claim's transaction, so a second sweeper never sends the same row and a crash repeats at most the
one message that was on its way. Nothing is ever scheduled as a Celery countdown/ETA task: a lost
broker loses nothing because the next sweep finds the rows.

Privacy: a payload holds ids and short labels only (:func:`schedule` refuses anything else), and
a failure is logged by row id, kind and exception type: never a message body, never note text.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import escape

from accounts import nudges
from accounts.timezones import timezone_name_of, zone_named
from mentoring.outbox.models import OutboxMessage
from mentoring.outbox.prepared import PreparedRow, ReminderClaim, fetch_one

__all__ = [
    "Email",
    "Kind",
    "Planned",
    "PreparedRow",
    "cancel",
    "kinds",
    "now",
    "register",
    "render_email",
    "schedule",
    "schedule_many",
    "send_due",
    "send_soon",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
PAYLOAD_TEXT_LIMIT = 100


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes | str, str], ...] = field(default=())
    headers: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[OutboxMessage], Email | None]
    nudge: bool


@dataclass(frozen=True)
class Planned:
    """One row for :func:`schedule_many`."""

    recipient_id: int
    kind: str
    due_at: datetime
    dedupe_key: str
    payload: dict = field(default_factory=dict)


_KINDS: dict[str, Kind] = {}
_SWEEP_TIME: ContextVar[datetime | None] = ContextVar("outbox_sweep_time", default=None)


def now() -> datetime:
    """The time a builder should judge by: the sweep's own "now" (frozen in tests and
    catch-up runs), or the clock."""
    return _SWEEP_TIME.get() or timezone.now()


def register(name: str, *, nudge: bool = False) -> Callable:
    """Register the builder for a kind of email. ``nudge`` kinds respect the recipient's
    "no nudges" preference; meeting invites and reminders are not nudges."""

    def decorator(build: Callable[[OutboxMessage], Email | None]):
        _KINDS[name] = Kind(name=name, build=build, nudge=nudge)
        return build

    return decorator


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def _render_plain(name: str, context: dict) -> str:
    # Subjects and text parts are not HTML: an "&" in a name must stay an "&". The template
    # engine hands back a SafeString; a plain str keeps a page showing this text escaping it.
    # Our templates come from the DjangoTemplates backend, whose wrapper holds the template.
    template = cast(DjangoTemplate, get_template(name)).template
    return str.__str__(template.render(Context(context, autoescape=False)))


def render_email(
    template: str,
    context: dict,
    *,
    attachments: tuple[tuple[str, bytes | str, str], ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
) -> Email:
    """Render ``emails/<template>_subject.txt``, ``.txt`` (not escaped) and ``.html``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(f"emails/{template}_subject.txt", context).split())
    return Email(
        subject=subject,
        text=_render_plain(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        attachments=attachments,
        headers=headers,
    )


def _check_payload(payload: dict) -> dict:
    """Ids and short labels only: a row must never carry a message, a summary or a note."""
    for key, value in payload.items():
        ok = (
            value is None
            or isinstance(value, bool | int)
            or (isinstance(value, str) and len(value) <= PAYLOAD_TEXT_LIMIT)
            or (isinstance(value, list) and all(isinstance(item, int) for item in value))
        )
        if not ok or not isinstance(key, str):
            raise ValueError(f"Outbox payload {key!r} must be an id or a short label")
    return payload


def _check_kind(kind: str) -> None:
    if kind not in _KINDS:
        raise ValueError(f"No email builder registered for kind {kind!r}")


def schedule(
    *, recipient, kind: str, due_at: datetime, dedupe_key: str, payload: dict | None = None
) -> OutboxMessage:
    """Add a row unless one with this dedupe key exists (then that row is returned as is)."""
    _check_kind(kind)
    payload = _check_payload(payload or {})
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    key = dedupe_key[:200]
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                recipient=recipient,
                kind=kind,
                due_at=due_at,
                dedupe_key=key,
                payload=payload,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=key)


def schedule_many(planned: Iterable[Planned], *, batch_size: int = 500) -> int:
    """Insert many rows in a few queries; rows whose dedupe key exists are left as they are.
    Returns how many rows were offered (inserted or already there)."""
    rows = []
    for item in planned:
        _check_kind(item.kind)
        rows.append(
            OutboxMessage(
                recipient_id=item.recipient_id,
                kind=item.kind,
                due_at=item.due_at,
                dedupe_key=item.dedupe_key[:200],
                payload=_check_payload(item.payload),
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return len(rows)


def cancel(*, dedupe_prefix: str) -> int:
    """Drop pending rows whose key starts with the prefix; sent rows stay as the record.
    A row being sent right now is locked: the delete waits for it and then leaves it (sent)."""
    if not dedupe_prefix:
        raise ValueError("cancel needs a non-empty dedupe prefix")
    deleted, _ = OutboxMessage.objects.filter(
        dedupe_key__startswith=dedupe_prefix, sent_at__isnull=True
    ).delete()
    return deleted


def send_soon() -> None:
    """After this transaction commits, ask a worker for a sweep now rather than at the next
    beat tick. Best effort: if the broker is down the beat still finds the rows."""

    def kick() -> None:
        # The task module imports this one: a module-level import would be a cycle.
        from mentoring.outbox.tasks import send_due_messages

        try:
            send_due_messages.delay()
        except Exception as exc:  # the broker is away; the database still holds the rows
            log.warning("could not queue a reminder sweep: %s", type(exc).__name__)

    transaction.on_commit(kick)


def _message_id(reminder: OutboxMessage) -> str:
    # The same Message-ID on a repeat after a crash lets mail clients drop the copy.
    host = urlparse(settings.SITE_URL).hostname or "twoway.invalid"
    return f"<reminder-{reminder.pk}.{reminder.kind}@{host}>"


def _deliver(reminder: OutboxMessage) -> str:
    """Send one row's email. Returns '' when sent, or why it was skipped."""
    spec = _KINDS.get(reminder.kind)
    if spec is None:
        return f"no builder for kind {reminder.kind}"
    recipient = reminder.recipient
    if not recipient.is_active:
        return "recipient inactive"
    if spec.nudge:
        profile = getattr(recipient, "profile", None)
        if profile is not None and not profile.nudges_enabled:
            return "recipient turned nudges off"
    # Every time an email shows is in the recipient's own zone, whoever wrote the template.
    with timezone.override(zone_named(timezone_name_of(recipient))):
        email = spec.build(reminder)
    if email is None:
        return "nothing to send any more"
    headers = {"X-Twoway-Reminder": str(reminder.pk), "Message-ID": _message_id(reminder)}
    text, html = email.text, email.html
    if spec.nudge:
        text, html, unsubscribe = _with_unsubscribe(recipient, text, html)
        headers.update(unsubscribe)
    headers.update(dict(email.headers))
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        to=[recipient.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return ""


def _with_unsubscribe(recipient, text: str, html: str) -> tuple[str, str, dict[str, str]]:
    """Every nudge carries a working unsubscribe link, whoever wrote its template: add one to
    each part that lacks it, and the one-click List-Unsubscribe headers."""
    url = nudges.unsubscribe_url(recipient)
    if url not in text:
        text = (
            f"{text.rstrip()}\n\n--\nRather not get reminders like this one? "
            f"Turn off nudges (no need to log in): {url}\n"
        )
    if escape(url) not in html and url not in html:
        footer = (
            f'<p style="font-size: 0.85em; color: #555;">Rather not get reminders like '
            f'this one? <a href="{escape(url)}">Turn off nudges</a>.</p>'
        )
        html = (
            html.replace("</body>", footer + "</body>", 1) if "</body>" in html else html + footer
        )
    return text, html, dict(nudges.unsubscribe_headers(recipient))


def _describe(exc: Exception) -> str:
    """What goes into last_error: the mail server's own words, otherwise the exception type
    alone, so text from a builder (a name, a summary) never lands in a column or a log."""
    if isinstance(exc, smtplib.SMTPException | OSError):
        return f"{type(exc).__name__}: {exc}"[:500]
    return type(exc).__name__


def retry_delay(attempts: int) -> timedelta:
    """10 minutes after the first failure, doubling up to about 5 hours."""
    return timedelta(minutes=5 * 2 ** min(attempts, 6))


def _mark_sent(reminder: OutboxMessage, reason: str, moment: datetime) -> None:
    """UPDATE through SQL written once: this runs for every message."""
    reminder.skipped_reason = reason[:200]
    reminder.sent_at = moment
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    fetch_one(
        f"UPDATE {table} SET sent_at = %s, skipped_reason = %s WHERE id = %s",  # noqa: S608
        [
            connection.ops.adapt_datetimefield_value(reminder.sent_at),
            reminder.skipped_reason,
            reminder.pk,
        ],
    )


def _attempt(reminder: OutboxMessage, moment: datetime) -> str:
    token = _SWEEP_TIME.set(moment)
    try:
        return _deliver(reminder)
    finally:
        _SWEEP_TIME.reset(token)


@contextmanager
def _relaxed_commit():
    """On PostgreSQL, let the sweep's commits return without waiting for the disk. If the
    database itself crashed a moment later, a mark could be lost and that email sent again: a
    repeat, never a loss (the row stays unsent). Worker and broker failures are unaffected,
    and the sweep is spared a disk flush per message. Reset when the sweep ends."""
    relaxed = connection.vendor == "postgresql" and connection.get_autocommit()
    if relaxed:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if relaxed and connection.connection is not None and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _record_failure(pk: int, exc: Exception, moment: datetime) -> None:
    """Push a failed row back with a growing delay, in a transaction of its own (the claim's
    was rolled back with whatever the builder did). If another sweeper holds or has sent the
    row by now, there is nothing to record."""
    with transaction.atomic():
        reminder = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return
        reminder.attempts += 1
        reminder.last_error = _describe(exc)
        reminder.due_at = moment + retry_delay(reminder.attempts)
        if reminder.attempts >= MAX_ATTEMPTS:
            reminder.sent_at = moment
            reminder.skipped_reason = f"gave up after {MAX_ATTEMPTS} attempts"
        reminder.save(
            update_fields=["attempts", "last_error", "due_at", "sent_at", "skipped_reason"]
        )
    log.warning(
        "reminder %s (%s) failed, attempt %s: %s",
        reminder.pk,
        reminder.kind,
        reminder.attempts,
        type(exc).__name__,
    )


def send_due(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Send every due row, one claimed row per transaction. Returns how many were handled.

    Each row: claim (skip rows another sweeper holds), build and send, then mark it sent or
    skipped in the same transaction. A failure rolls the claim back, then pushes the row back
    with a growing delay and gives up after MAX_ATTEMPTS; it never stops the sweep."""
    handled = 0
    # Rows are claimed as due at the sweep's start; any that fall due during a long sweep wait
    # for the next one (beat runs a sweep every minute).
    sweep_moment = now or timezone.now()
    claim: ReminderClaim | None = None
    with _relaxed_commit():
        while handled < limit:
            moment = now or timezone.now()
            failure: Exception | None = None
            with transaction.atomic():
                claim = claim or ReminderClaim(sweep_moment)
                reminder = claim.next()
                if reminder is None:
                    break
                try:
                    reason = _attempt(reminder, moment)
                except Exception as exc:  # a bad address, a mail server hiccup, a broken builder
                    failure = exc
                    transaction.set_rollback(True)
                else:
                    _mark_sent(reminder, reason, now or timezone.now())
            if failure is not None:
                _record_failure(reminder.pk, failure, moment)
            elif reminder.skipped_reason:
                log.info(
                    "reminder %s (%s) skipped: %s",
                    reminder.pk,
                    reminder.kind,
                    reminder.skipped_reason,
                )
            handled += 1
    return handled


def pending_due_count(*, now: datetime | None = None) -> int:
    return OutboxMessage.objects.filter(
        sent_at__isnull=True, due_at__lte=now or timezone.now()
    ).count()
