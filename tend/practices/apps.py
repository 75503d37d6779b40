from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "tend.practices"
    verbose_name = "Practices"
