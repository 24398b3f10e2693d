from celery import shared_task


@shared_task(ignore_result=True)
def run_pairing(run_pk: int) -> None:
    """Compute a pairing run queued by the board; a run deleted meanwhile is skipped.

    Routed to the "pairing" queue (settings.CELERY_TASK_ROUTES) and its own worker."""
    from pairing.models import PairingRun
    from pairing.services import execute_run

    run = PairingRun.objects.select_related("cohort").filter(pk=run_pk).first()
    if run is None:
        return
    execute_run(run=run)


@shared_task(ignore_result=True)
def fail_dead_runs() -> int:
    """Beat runs this every minute on the default queue: runs whose worker died are failed."""
    from pairing.services import fail_dead_runs as fail

    return fail()


@shared_task(ignore_result=True)
def schedule_hr_digest() -> int:
    """Beat, each morning: today's digest for every HR admin while anything waits for them."""
    from pairing.services import schedule_hr_digest as schedule

    return schedule(only_if_waiting=True)
