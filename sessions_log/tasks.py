"""Thin Celery tasks over the outbox. Beat (settings.CELERY_BEAT_SCHEDULE) queues them; the rows
in the database say what is due, so a lost or doubled task message costs nothing."""

from __future__ import annotations

from celery import shared_task

from sessions_log import outbox

# A backlog bigger than this is worth a second pair of hands.
HELPER_THRESHOLD = 200


@shared_task(ignore_result=True)
def send_due_reminders(helpers: int = 0) -> int:
    """Beat runs this every minute. With a large backlog it first asks up to ``helpers`` more
    sweeps to join in: every sweep claims rows with skip_locked, so they share the work and
    never the same row. Helpers are queued with helpers=0, so they never multiply."""
    if helpers > 0 and outbox.pending_due_count() > HELPER_THRESHOLD:
        for _ in range(min(helpers, 8)):
            send_due_reminders.delay()
    return outbox.send_due()


@shared_task(ignore_result=True)
def scan_quiet_pairs() -> int:
    """Beat runs this hourly: nudge pairs that have gone quiet, and tell HR a week later; and
    pairs behind their session plan, by the same rules."""
    from sessions_log import plan_nudges, reminders

    return reminders.scan_quiet_pairs() + plan_nudges.scan_behind_pairs()


@shared_task(ignore_result=True)
def schedule_surveys_due() -> int:
    """Beat runs this hourly: pulse and impact surveys that have come due get an outbox row."""
    from sessions_log import services

    return services.schedule_surveys_due()
