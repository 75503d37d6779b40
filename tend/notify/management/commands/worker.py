"""`tend worker`: sends follow-up check-ins and reminders when they fall due."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
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
        self.stopped = threading.Event()
        worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.dispatcher = Dispatcher(worker, batch=options["batch"])
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write(f"Worker {worker} started.")
        try:
            while not self.stopped.is_set():
                close_old_connections()
                found = self.dispatcher.step()
                if not found:
                    if options["drain"]:
                        break
                    self.dispatcher.close()
                    self.stopped.wait(options["interval"])
        finally:
            self.dispatcher.close()
        self.stdout.write(f"Worker {worker} stopped.")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Finish the message in hand, give the rest of the batch back, and exit."""
        self.dispatcher.stop()
        self.stopped.set()
