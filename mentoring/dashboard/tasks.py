"""Thin Celery task over the pair roster's whole build (roster.py); beat runs it every few
minutes (settings), the net for any write that left no mark."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def rebuild_pair_roster() -> bool:
    from mentoring.dashboard import roster

    return roster.rebuild_and_tell()
