from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from mentoring.dashboard.cache import connect_signals

        connect_signals()
        from mentoring.dashboard.cache import bump
        from mentoring.imports.signals import people_imported

        # An import's bulk writes send no model signals; the core says so with its own.
        people_imported.connect(
            lambda **kwargs: bump(), weak=False, dispatch_uid="dashboard-import"
        )
        from accounts.taxonomy import taxonomy_changed
        from mentoring.audit.services import record_taxonomy_change

        taxonomy_changed.connect(record_taxonomy_change, dispatch_uid="audit-skill-taxonomy")
        from mentoring.privacy import setup

        setup.connect()
        # The core's own message kinds (invitations), and the outbox's sweep task for Celery.
        from mentoring import emails  # noqa: F401
        from mentoring.applications import emails as application_emails  # noqa: F401
        from mentoring.outbox import tasks  # noqa: F401
