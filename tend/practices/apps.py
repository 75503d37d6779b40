from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "tend.practices"
    verbose_name = "Practices"

    def ready(self) -> None:
        # The empty choice of a select, in Tend's words and every language Tend speaks
        # (Django's own "- Select an option -" has no Spanish yet).
        from django.db.models import fields
        from django.utils.translation import pgettext_lazy

        fields.BLANK_CHOICE_LABEL = pgettext_lazy("empty choice", "Choose one")
