from django.apps import AppConfig


class SessionsLogConfig(AppConfig):
    name = "sessions_log"
    verbose_name = "Sessions"

    def ready(self) -> None:
        # Importing these registers the sessions' message kinds with the core's outbox.
        from sessions_log import emails, plan_nudges, privacy  # noqa: F401

        privacy.register_part()
        from pairing import attention
        from sessions_log import reminders

        attention.register_quiet_pairs(
            lambda now: [quiet.pair_id for quiet in reminders.quiet_pairs(now=now)]
        )
