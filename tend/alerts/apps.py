from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tend.alerts"

    def ready(self) -> None:
        # Answers are recorded below; the alerts they raise are opened here (receivers.py).
        from tend.alerts import receivers  # noqa: F401
