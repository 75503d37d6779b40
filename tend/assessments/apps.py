from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tend.assessments"
    verbose_name = "Questionnaires and the Ladder of Healing"

    def ready(self) -> None:
        from tend.assessments import receivers  # noqa: F401 (connects them)
