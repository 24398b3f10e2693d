"""The outbox: every email the programme sends is a row first.

Apps register a builder per kind in their own ``emails.py`` module (found at start-up):

    @outbox.register("invitation")
    def invitation(message: OutboxMessage) -> outbox.Email | None: ...

and schedule rows with :func:`schedule` (or :func:`schedule_many` for a batch). :func:`send_due`
(run by beat every minute through ``mentoring.outbox.tasks.send_due_messages``) claims due rows one
at a time with ``select_for_update(skip_locked=True)``, sends, and marks each sent inside the
claim's transaction, so a second sweeper never sends the same row and a crash repeats at most the
one message that was on its way. Nothing is ever scheduled as a Celery countdown/ETA task: a lost
broker loses nothing because the next sweep finds the rows.

Privacy: a payload holds ids and short labels only (:func:`schedule` refuses anything else), and
a failure is logged by row id, kind and exception type: never a message body, never note text.

Split by sub-domain, every name is re-exported here: ``registry`` (kinds, Email, now),
``render`` (templates to an Email), ``enqueue`` (schedule, cancel, send soon), ``delivery`` (one
row's email sent), ``sweep`` (claims, retries), ``prepared`` (the sweep's compiled queries),
``models`` (OutboxMessage).
"""

from mentoring.outbox.enqueue import (
    PAYLOAD_TEXT_LIMIT,
    Planned,
    cancel,
    schedule,
    schedule_many,
    send_soon,
)
from mentoring.outbox.models import OutboxMessage
from mentoring.outbox.prepared import PreparedRow
from mentoring.outbox.registry import Email, Kind, kinds, now, register
from mentoring.outbox.render import render_email
from mentoring.outbox.sweep import MAX_ATTEMPTS, pending_due_count, retry_delay, send_due

__all__ = [
    "MAX_ATTEMPTS",
    "PAYLOAD_TEXT_LIMIT",
    "Email",
    "Kind",
    "OutboxMessage",
    "Planned",
    "PreparedRow",
    "cancel",
    "kinds",
    "now",
    "pending_due_count",
    "register",
    "render_email",
    "retry_delay",
    "schedule",
    "schedule_many",
    "send_due",
    "send_soon",
]
