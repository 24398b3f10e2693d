from celery import shared_task

from sessions_log import outbox


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Beat runs this every minute; the outbox rows say what is due."""
    return outbox.send_due()
