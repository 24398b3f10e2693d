import os

from celery import Celery
from celery.signals import task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_success.connect
def _record_outbox_sweep(sender=None, **kwargs) -> None:
    """/healthz reports how long ago reminders were last swept: a stopped beat or a stuck
    default worker shows there, not only a dead web process."""
    from mentoring.health import SWEEP_TASK, record_sweep

    if getattr(sender, "name", None) == SWEEP_TASK:
        record_sweep()
