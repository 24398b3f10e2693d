"""Thin Celery tasks of sessions: quiet pairs and surveys due. Beat (settings.CELERY_BEAT_SCHEDULE) queues them; the rows
in the database say what is due, so a lost or doubled task message costs nothing."""

from __future__ import annotations

from celery import shared_task

from sessions_log import plan_nudges, reminders, services


@shared_task(ignore_result=True)
def scan_quiet_pairs() -> int:
    """Beat runs this hourly: nudge pairs that have gone quiet, and tell HR a week later; and
    pairs behind their session plan, by the same rules."""
    return reminders.scan_quiet_pairs() + plan_nudges.scan_behind_pairs()


@shared_task(ignore_result=True)
def schedule_surveys_due() -> int:
    """Beat runs this hourly: pulse and impact surveys that have come due get an outbox row."""
    return services.schedule_surveys_due()
