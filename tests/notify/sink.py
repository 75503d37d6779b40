"""tests/smtp.py's Inbox in a process of its own, for tests that kill workers.

In the test process, the sink's thread and the test's thread share one interpreter lock, so
a test that means to kill a worker at a random moment mostly wakes just as the sink has
answered "250 OK", which is when the worker is busy recording that: the kills would cluster
on the one moment that matters. Out here, they land where they fall.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from tests import smtp


@dataclass(frozen=True)
class Receipt:
    to: str
    message_id: str
    connection: str  # the client's address and port: one per SMTP connection
    at_ns: int  # time.monotonic_ns() when it was taken, just before "250 OK"


@dataclass
class RecordingInbox(smtp.Inbox):
    receipts: list[Receipt] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        with self.lock:
            message = self.messages[-1]
            receipt = Receipt(
                str(message["To"]),
                str(message["Message-ID"]),
                str(session.peer),
                time.monotonic_ns(),
            )
            self.receipts.append(receipt)
        return reply


def _serve(control: multiprocessing.connection.Connection) -> None:
    inbox = RecordingInbox()
    port = smtp.free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    control.send(port)
    try:
        while (command := control.recv()) != "stop":
            with inbox.lock:
                if command == "count":
                    control.send(len(inbox.receipts))
                elif command == "receipts":
                    control.send(list(inbox.receipts))
    finally:
        controller.stop()


class SinkProcess:
    """An aiosmtpd server in a child process; ask it what arrived."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._control, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs,), daemon=True)
        self._process.start()
        if not self._control.poll(30):
            raise RuntimeError("the SMTP sink did not start")
        self.port: int = self._control.recv()

    def count(self) -> int:
        self._control.send("count")
        return int(self._control.recv())

    def receipts(self) -> list[Receipt]:
        self._control.send("receipts")
        return list(self._control.recv())

    def stop(self) -> None:
        self._control.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
