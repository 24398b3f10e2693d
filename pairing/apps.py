from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"

    def ready(self) -> None:
        from pairing import privacy, receivers

        privacy.register_part()
        receivers.connect()
