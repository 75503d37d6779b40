"""`tend worker`: sends follow-up check-ins, reminders and every other email, passes on
alerts, and runs background tasks (tend/worker/loop.py)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tend.worker.loop import Loop


class Command(BaseCommand):
    help = (
        "Send follow-ups and emails, pass on alerts and run background tasks until stopped "
        "(SIGTERM or Ctrl+C finish the message or task in hand)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=100, help="rows claimed at a time")
        parser.add_argument(
            "--tasks", type=int, default=10, help="background tasks run between two rounds"
        )
        parser.add_argument("--interval", type=float, default=2.0, help="seconds to rest when idle")
        parser.add_argument(
            "--drain", action="store_true", help="exit once nothing is due (for scripts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.loop = Loop(worker, batch=options["batch"], tasks=options["tasks"])
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write(f"Worker {worker} started.")
        self.loop.run(options["interval"], until_idle=options["drain"])
        self.stdout.write(f"Worker {worker} stopped.")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.loop.stop()
