"""`tend worker`: sends follow-up check-ins and reminders when they fall due, and runs
background tasks (Django's Tasks API) between its rounds."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.db.backends.signals import connection_created

from tend.notify import dispatch, recovery
from tend.notify.background import TaskRunner
from tend.notify.dispatch import Dispatcher


class Command(BaseCommand):
    help = (
        "Run the follow-up dispatcher and background tasks until stopped (SIGTERM or Ctrl+C "
        "finish the message or task in hand)."
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
        self.stopped = threading.Event()
        # This process only: quick commits on PostgreSQL (see dispatch.relax_commits).
        connection_created.connect(dispatch.relax_commits)
        if connection.connection is not None:
            dispatch.relax_commits(None, connection)
        worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        cover = recovery.Cover(worker)  # a keeper holds our SMTP lines too: see keeper.py
        self.dispatcher = Dispatcher(worker, batch=options["batch"], keeper=cover.current())
        self.tasks = TaskRunner(worker, per_step=options["tasks"])
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write(f"Worker {worker} started.")
        try:
            while not self.stopped.is_set():
                close_old_connections()
                found = cover.recover() > 0  # what workers that died left mid-message
                self.dispatcher.keeper = cover.current()
                found |= self.dispatcher.step()
                found |= self.tasks.step()  # a few at most: check-ins never wait long
                if not found:
                    if options["drain"]:
                        break
                    self.dispatcher.close()
                    self.stopped.wait(options["interval"])
        finally:
            self.dispatcher.close()
            cover.close()
        self.stdout.write(f"Worker {worker} stopped.")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Finish the message or task in hand, give the rest of the batch back, and exit."""
        self.dispatcher.stop()
        self.tasks.stop()
        self.stopped.set()
