from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from mentoring.dashboard.cache import connect_signals

        connect_signals()
        from mentoring.dashboard import roster
        from mentoring.dashboard import tasks as dashboard_tasks  # noqa: F401 (beat's task)
        from mentoring.dashboard.cache import bump
        from mentoring.imports.signals import people_imported

        roster.connect()

        # An import's bulk writes send no model signals; the core says so with its own, once
        # the import has committed (in its worker): the pair roster is built again there.
        def imported(**kwargs) -> None:
            roster.rebuild()
            bump()

        people_imported.connect(imported, weak=False, dispatch_uid="dashboard-import")
        from accounts.taxonomy import taxonomy_changed
        from mentoring.audit.services import record_taxonomy_change

        taxonomy_changed.connect(record_taxonomy_change, dispatch_uid="audit-skill-taxonomy")
        from mentoring.privacy import setup

        setup.connect()
        # The core's own message kinds (invitations), and the outbox's sweep task for Celery.
        from mentoring import emails  # noqa: F401
        from mentoring.applications import emails as application_emails  # noqa: F401
        from mentoring.outbox import tasks  # noqa: F401
