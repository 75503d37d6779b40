"""`tend worker`: sends follow-up check-ins and reminders when they fall due."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tend.notify.dispatch import Dispatcher


class Command(BaseCommand):
    help = (
        "Run the follow-up dispatcher until stopped (SIGTERM or Ctrl+C finish the message in hand)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=100, help="rows claimed at a time")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds to rest when idle")
        parser.add_argument(
            "--drain", action="store_true", help="exit once nothing is due (for scripts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        dispatcher = Dispatcher(worker, batch=options["batch"])
        self.stdout.write(f"Worker {worker} started.")
        try:
            while self.running:
                close_old_connections()
                found = dispatcher.step()
                if not found:
                    if options["drain"]:
                        break
                    dispatcher.close()
                    time.sleep(options["interval"])
        finally:
            dispatcher.close()
        self.stdout.write(f"Worker {worker} stopped.")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False
