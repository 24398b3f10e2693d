"""Thin Celery task over the dashboard rosters' whole build (roster.py); beat runs it every
ten minutes (settings), the net for any write that left no mark."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def rebuild_dashboard_rosters() -> bool:
    from mentoring.dashboard import roster

    return roster.rebuild_and_tell()
