from celery import shared_task

# The services module, not its functions: runs queue these tasks, so each imports the other.
from pairing import services
from pairing.models import PairingRun, Shortlist
from pairing.services import shortlist as shortlist_services


@shared_task(ignore_result=True)
def run_pairing(run_pk: int) -> None:
    """Compute a pairing run queued by the board; a run deleted meanwhile is skipped.

    Routed to the "pairing" queue (settings.CELERY_TASK_ROUTES) and its own worker."""
    run = PairingRun.objects.select_related("cohort").filter(pk=run_pk).first()
    if run is None:
        return
    services.execute_run(run=run)


@shared_task(ignore_result=True)
def shortlist_prepare(shortlist_pk: int) -> None:
    """Everyone's shortlist suggestions, queued when HR opens (or extends) the shortlist or a
    late joiner looks; on the "pairing" queue (settings.CELERY_TASK_ROUTES)."""
    shortlist = Shortlist.objects.select_related("cohort").filter(pk=shortlist_pk).first()
    if shortlist is None:
        return
    shortlist_services.shortlist_prepare(shortlist=shortlist)


@shared_task(ignore_result=True)
def fail_dead_runs() -> int:
    """Beat runs this every minute on the default queue: runs whose worker died are failed."""
    return services.fail_dead_runs()


@shared_task(ignore_result=True)
def schedule_hr_digest() -> int:
    """Beat, each morning: today's digest for every HR admin while anything waits for them."""
    return services.schedule_hr_digest(only_if_waiting=True)
