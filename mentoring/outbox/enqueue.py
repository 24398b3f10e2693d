"""Putting rows in the outbox: schedule one or many (ids and short labels only), cancel pending
ones, and ask for a sweep as soon as the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.outbox.models import OutboxMessage
from mentoring.outbox.registry import _check_kind

log = logging.getLogger(__name__)

PAYLOAD_TEXT_LIMIT = 100


@dataclass(frozen=True)
class Planned:
    """One row for :func:`schedule_many`."""

    recipient_id: int
    kind: str
    due_at: datetime
    dedupe_key: str
    payload: dict = field(default_factory=dict)


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
        # The task module imports the package, which imports this module: a module-level
        # import would be a cycle.
        from mentoring.outbox.tasks import send_due_messages

        try:
            send_due_messages.delay()
        except Exception as exc:  # the broker is away; the database still holds the rows
            log.warning("could not queue a reminder sweep: %s", type(exc).__name__)

    transaction.on_commit(kick)
