"""An import job: one uploaded staff file on its way through preview and commit in a worker."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A preview or commit of 20,000 people takes seconds; a job silent for this long lost its worker.
STALE_AFTER = timedelta(minutes=5)


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Step(models.TextChoices):
        PREVIEW = "preview", "Preview"
        COMMIT = "commit", "Commit"

    cohort = models.ForeignKey("mentoring.Cohort", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Names the stored file (storage.py) and the job in its URL.
    token = models.CharField(max_length=32, unique=True)
    filename = models.CharField(max_length=255)
    step = models.CharField(max_length=7, choices=Step.choices, default=Step.PREVIEW)
    state = models.CharField(max_length=7, choices=State.choices, default=State.QUEUED)
    # Bumped each time the job is queued: a worker holding an older attempt leaves it alone.
    attempt = models.PositiveIntegerField(default=1)
    people_read = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=80, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Touched at every step and progress report: how stale jobs are seen.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} of {self.filename} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_stale(self) -> bool:
        return not self.is_finished and self.updated_at < timezone.now() - STALE_AFTER


# Celery discovers `<app>.tasks`; the import's task lives a level down, so it is registered here,
# where every process that loads the models (web, worker) passes.
from mentoring.imports import tasks as _tasks  # noqa: E402, F401
