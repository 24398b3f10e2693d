from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SessionsLogConfig(AppConfig):
    name = "sessions_log"
    verbose_name = "Sessions"

    def ready(self) -> None:
        # Each app registers its email kinds with the outbox in its own emails.py.
        autodiscover_modules("emails")
        from sessions_log import privacy

        privacy.register_part()
