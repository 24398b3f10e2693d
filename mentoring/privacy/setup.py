"""Connected from MentoringConfig.ready(): what the privacy and audit packages need at start-up
(they live outside the modules Django and Celery discover by name)."""

from __future__ import annotations


def connect() -> None:
    from mentoring.audit import admin
    from mentoring.privacy import tasks  # noqa: F401 - registers the beat task with Celery

    admin.register()
