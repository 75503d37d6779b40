"""`tend demo`: a practice with a practitioner, 12 clients and three months of care."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tend.demo import data as demo


class Command(BaseCommand):
    help = "Create demo data (once). --reset replaces it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete and recreate the demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.demo_create(reset=options["reset"])
        if created:
            self.stdout.write(self.style.SUCCESS("Demo practice created."))
        else:
            self.stdout.write("Demo practice already there (use --reset to start again).")
