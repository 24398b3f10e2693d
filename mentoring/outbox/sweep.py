"""The sweep: claim due rows one at a time, send each, mark it sent in the claim's
transaction, and push failures back with a growing delay."""

from __future__ import annotations

import logging
import smtplib
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from mentoring.outbox.delivery import _deliver
from mentoring.outbox.models import OutboxMessage
from mentoring.outbox.prepared import ReminderClaim, fetch_one
from mentoring.outbox.registry import _SWEEP_TIME

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


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
