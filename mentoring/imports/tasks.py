from celery import shared_task


@shared_task(ignore_result=True)
def run_import_job(job_pk: int, attempt: int) -> None:
    """Preview or commit a queued staff import; a job deleted or re-queued meanwhile is skipped."""
    from mentoring.imports.jobs import import_job_run

    import_job_run(job_pk=job_pk, attempt=attempt)
