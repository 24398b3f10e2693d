from celery import shared_task

# The module, not its function: jobs queues this task, so each imports the other.
from mentoring.imports import jobs


@shared_task(ignore_result=True)
def run_import_job(job_pk: int, attempt: int) -> None:
    """Preview or commit a queued staff import; a job deleted or re-queued meanwhile is skipped."""
    jobs.import_job_run(job_pk=job_pk, attempt=attempt)


@shared_task(ignore_result=True)
def fail_stale_jobs() -> int:
    """Beat, every minute: import jobs whose worker died are failed (with a retry on their page)."""
    return jobs.fail_stale_jobs()
