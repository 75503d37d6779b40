from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "tend.integration"
    verbose_name = "Integration practices"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tend.integration import library

        post_migrate.connect(library.sync_after_migrate, sender=self)
