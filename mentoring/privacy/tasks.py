"""Thin Celery task over the retention purge; beat runs it daily (settings)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def purge_expired() -> int:
    from mentoring.privacy import services

    return len(services.purge_expired())
