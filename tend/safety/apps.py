from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis lines (Tend's by country, and each practice's own) and the client help page.

    The screen itself (screening.py, resources.py, and tend/lib/zones.py) stays plain Python.
    """

    name = "tend.safety"
