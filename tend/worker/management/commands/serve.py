"""`tend serve`: the production server (gunicorn) with its workers; tend/worker/serving.py."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tend.worker import serving


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve Tend in production: gunicorn's web processes and `tend worker` processes, "
        "until SIGTERM or Ctrl+C stops them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr",
            default=serving.default_addr(),
            help="HOST:PORT to listen on (default: TEND_ADDR, else 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--web",
            type=count,
            default=None,
            help="web processes (default: TEND_WEB_PROCESSES, else 2 per core plus one, at most 8)",
        )
        parser.add_argument(
            "--workers",
            type=count,
            default=None,
            help="`tend worker` processes to run beside it (default: TEND_WORKERS, else 1; "
            "0 when workers run on their own)",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="don't apply database migrations first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        web = serving.default_web_processes() if options["web"] is None else options["web"]
        workers = serving.default_workers() if options["workers"] is None else options["workers"]
        if web < 1:
            raise CommandError("--web needs at least one process.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        plural = "es" if web != 1 else ""
        self.stdout.write(
            f"Tend is at http://{options['addr']}/ "
            f"({web} web process{plural}, {workers} worker{'s' if workers != 1 else ''})."
        )
        self.stdout.flush()
        sys.exit(serving.serve(options["addr"], web, workers, say=self.stderr.write))
