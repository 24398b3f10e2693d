"""Import jobs: an upload is stored, then previewed and committed by a worker, with progress.

The web request only stores the file and queues the job (DESIGN.md: work that can take seconds
never runs in a request). `import_job_run` is the worker's side; a job whose worker died is
seen by `fail_if_stale` and can be retried.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentoring.imports import (
    storage,
    tasks,  # the module: tasks imports this one too
)
from mentoring.imports.models import STALE_AFTER, ImportJob
from mentoring.imports.parse import read_staff_file
from mentoring.imports.report import ImportReport
from mentoring.imports.services import import_commit, import_preview
from mentoring.models import Cohort

log = logging.getLogger(__name__)
State, Step = ImportJob.State, ImportJob.Step
FILE_GONE = "The uploaded file is no longer kept (uploads are kept for a day). Upload it again."


def _queue(job: ImportJob) -> None:
    pk, attempt = job.pk, job.attempt
    transaction.on_commit(lambda: tasks.run_import_job.delay(pk, attempt))


@transaction.atomic
def import_job_start(*, cohort: Cohort, by: User, filename: str, data: bytes) -> ImportJob:
    """Keep the file and queue its preview."""
    token = storage.new_token()
    storage.store_upload(token, data)
    job = ImportJob.objects.create(
        cohort=cohort,
        created_by=by,
        token=token,
        filename=filename[:255],
        progress_label="Waiting for a worker",
    )
    _queue(job)
    return job


@transaction.atomic
def import_job_commit(*, job: ImportJob) -> bool:
    """Queue the commit of a previewed good file; False if the job is not at that point."""
    report = job_report(job)
    updated = ImportJob.objects.filter(
        pk=job.pk, step=Step.PREVIEW, state=State.DONE, attempt=job.attempt
    ).update(
        step=Step.COMMIT,
        state=State.QUEUED,
        attempt=job.attempt + 1,
        people_read=0,
        progress_label="Waiting for a worker",
        updated_at=timezone.now(),
    )
    if not updated or report is None or not report.ok:
        return False
    job.refresh_from_db()
    _queue(job)
    return True


@transaction.atomic
def import_job_retry(*, job: ImportJob) -> bool:
    """Queue a failed job's step again, if its file is still kept."""
    if storage.load_upload(job.token) is None:
        return False
    updated = ImportJob.objects.filter(pk=job.pk, state=State.FAILED, attempt=job.attempt).update(
        state=State.QUEUED,
        attempt=job.attempt + 1,
        people_read=0,
        error="",
        progress_label="Waiting for a worker",
        updated_at=timezone.now(),
        finished_at=None,
    )
    if not updated:
        return False
    job.refresh_from_db()
    _queue(job)
    return True


STALE_ERROR = "The import stopped: no worker finished it. Nothing was imported; try again."


def fail_if_stale(job: ImportJob) -> ImportJob:
    """A job queued or running with no sign of life for STALE_AFTER lost its worker."""
    if job.is_stale:
        ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, state=job.state).update(
            state=State.FAILED, error=STALE_ERROR, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def fail_stale_jobs(*, now: datetime | None = None) -> int:
    """Beat's sweep: every job silent for STALE_AFTER is failed, whether or not anyone opens
    its page, so none stays "running" for ever. One UPDATE; a worker that wakes up finds its
    job no longer running and stops (`_touch`). Returns the jobs failed."""
    now = now or timezone.now()
    return ImportJob.objects.filter(
        state__in=(State.QUEUED, State.RUNNING), updated_at__lt=now - STALE_AFTER
    ).update(state=State.FAILED, error=STALE_ERROR, finished_at=now)


def job_report(job: ImportJob) -> ImportReport | None:
    return ImportReport.from_json(job.report) if job.report else None


# --- the worker's side -----------------------------------------------------------------------


def _touch(job: ImportJob, **fields: Any) -> bool:
    """Record progress; False when the job was re-queued or failed as stale meanwhile."""
    fields["updated_at"] = timezone.now()
    return bool(
        ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, state=State.RUNNING).update(
            **fields
        )
    )


def import_job_run(*, job_pk: int, attempt: int) -> None:
    claimed = ImportJob.objects.filter(pk=job_pk, attempt=attempt, state=State.QUEUED).update(
        state=State.RUNNING, progress_label="Reading the file", updated_at=timezone.now()
    )
    if not claimed:
        return  # gone, re-queued, or already taken by another worker
    job = ImportJob.objects.select_related("cohort").get(pk=job_pk)
    try:
        _run(job)
    except Exception:
        log.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk, attempt=attempt).update(
            state=State.FAILED,
            error="The import failed unexpectedly. Nothing was imported; try again.",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def _run(job: ImportJob) -> None:
    data = storage.load_upload(job.token)
    if data is None:
        report = ImportReport(filename=job.filename, cohort_name=job.cohort.name)
        report.errors.append(FILE_GONE)
        _finish(job, report)
        return

    def progress(people: int) -> None:
        _touch(job, people_read=people, progress_label=f"Read {people:,} people")

    staff_file = read_staff_file(
        job.filename, data, default_timezone=settings.TIME_ZONE, progress=progress
    )
    if job.step == Step.PREVIEW:
        _touch(job, people_read=len(staff_file.rows), progress_label="Comparing with Twoway")
        report = import_preview(cohort=job.cohort, staff_file=staff_file)
    else:
        _touch(
            job,
            people_read=len(staff_file.rows),
            progress_label=f"Importing {len(staff_file.rows):,} people",
        )
        # Checked again from the stored bytes: the preview was only what was true then.
        report = import_commit(cohort=job.cohort, staff_file=staff_file)
    _finish(job, report)


def _finish(job: ImportJob, report: ImportReport) -> None:
    finished = _touch(
        job,
        state=State.DONE,
        report=report.to_json(),
        progress_label="",
        finished_at=timezone.now(),
    )
    if finished and (job.step == Step.COMMIT or not report.ok):
        storage.discard_upload(job.token)  # spent, or not worth keeping
