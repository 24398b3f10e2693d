"""The outbox's sweep task. Beat (settings.CELERY_BEAT_SCHEDULE) queues it every minute; the
rows in the database say what is due, so a lost or doubled task message costs nothing."""

from __future__ import annotations

from celery import shared_task

from mentoring import outbox

# A backlog bigger than this is worth a second pair of hands.
HELPER_THRESHOLD = 200


@shared_task(ignore_result=True)
def send_due_messages(helpers: int = 0) -> int:
    """Beat runs this every minute. With a large backlog it first asks up to ``helpers`` more
    sweeps to join in: every sweep claims rows with skip_locked, so they share the work and
    never the same row. Helpers are queued with helpers=0, so they never multiply."""
    if helpers > 0 and outbox.pending_due_count() > HELPER_THRESHOLD:
        for _ in range(min(helpers, 8)):
            send_due_messages.delay()
    return outbox.send_due()
