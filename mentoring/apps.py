from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from mentoring.dashboard.cache import connect_signals

        connect_signals()
        from mentoring.privacy import setup

        setup.connect()
        # The core's own message kinds (invitations), and the outbox's sweep task for Celery.
        from mentoring import emails  # noqa: F401
        from mentoring.outbox import tasks  # noqa: F401
