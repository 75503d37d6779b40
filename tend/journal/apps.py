from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tend.journal"
    verbose_name = "Journal"
