from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "tend.checkins"

    def ready(self) -> None:
        # Sessions and clients' clocks change below; the check-ins follow (receivers.py).
        from tend.checkins import receivers  # noqa: F401
