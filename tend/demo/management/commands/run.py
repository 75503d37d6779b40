"""`tend run`: the web server, with a printing mail sink in development."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tend.demo import data as demo
from tend.lib import mailsink
from tend.lib.restarting import Restarting
from tend.safety import model


class Command(BaseCommand):
    help = "Serve Tend with its worker (and, in development, a mail sink that prints emails)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        local = settings.DEV_MAIL_HOST in ("127.0.0.1", "localhost")
        if (
            settings.DEBUG
            and local
            and mailsink.start(settings.DEV_MAIL_HOST, settings.DEV_MAIL_PORT)
        ):
            self.stdout.write(
                f"Emails are printed here (mail sink on port {settings.DEV_MAIL_PORT})."
            )
        self.stdout.write(self.style.SUCCESS(f"\nTend is at http://{options['addr']}/\n"))
        for line in demo.welcome_lines():
            self.stdout.write(line)
        # The worker sends follow-up check-ins; it lives and dies with the web server, and
        # comes back if it dies on its own.
        worker = Restarting([sys.executable, "-m", "tend.cli", "worker"], say=self.stderr.write)
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # as Ctrl+C does
        model.warm_up()  # the safety screen's models train in a second or two
        try:
            call_command("runserver", options["addr"], use_reloader=False, skip_checks=True)
        finally:
            worker.stop()
