from celery import shared_task


@shared_task(ignore_result=True)
def run_pairing(run_pk: int) -> None:
    """Compute a pairing run queued by the board; a run deleted meanwhile is skipped."""
    from pairing.models import PairingRun
    from pairing.services import execute_run

    run = PairingRun.objects.select_related("cohort").filter(pk=run_pk).first()
    if run is None:
        return
    execute_run(run=run)
