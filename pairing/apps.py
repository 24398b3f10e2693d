from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"

    def ready(self) -> None:
        # Importing emails registers the pairing's message kinds with the core's outbox.
        from pairing import emails, privacy, receivers, shortlist_emails  # noqa: F401

        privacy.register_part()
        receivers.connect()
