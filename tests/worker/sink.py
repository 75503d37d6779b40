"""tests/smtp.py's Inbox in a process of its own, for tests that kill workers.

In the test process, the sink's thread and the test's thread share one interpreter lock, so
a test that means to kill a worker at a random moment mostly wakes just as the sink has
answered "250 OK", which is when the worker is busy recording that: the kills would cluster
on the one moment that matters. Out here, they land where they fall.

The sink can also behave like a real relay having a bad day (`Rules`): insist on STARTTLS,
answer "451" after the final dot now and then, refuse some recipients with "550", and be
stopped and started again on the same port (what it took before is kept).
"""

from __future__ import annotations

import email
import email.policy
import multiprocessing
import multiprocessing.connection
import ssl
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
    at_ns: int  # time.monotonic_ns() when it was taken (or turned away), before the answer


@dataclass(frozen=True)
class Rules:
    tls: tuple[str, str] | None = None  # certificate and key files: STARTTLS required
    defer_every: int = 0  # every n-th message is answered "451 try later" after its dot
    refuse: frozenset[str] = frozenset()  # recipients answered "550" at RCPT TO


@dataclass
class RecordingInbox(smtp.Inbox):
    rules: Rules = field(default_factory=Rules)
    receipts: list[Receipt] = field(default_factory=list)
    deferred: list[Receipt] = field(default_factory=list)  # answered 451, not taken
    refused: list[str] = field(default_factory=list)  # recipients answered 550
    seen: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.rules.refuse:
            with self.lock:
                self.refused.append(address)
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.seen += 1
            defer = self.rules.defer_every and self.seen % self.rules.defer_every == 0
        if defer:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self.lock:
                self.deferred.append(self._receipt(message, session))
            return "451 4.3.0 try later"
        reply = await super().handle_DATA(server, session, envelope)
        with self.lock:
            self.receipts.append(self._receipt(self.messages[-1], session))
        return reply

    @staticmethod
    def _receipt(message: Any, session: Any) -> Receipt:
        return Receipt(
            str(message["To"]), str(message["Message-ID"]), str(session.peer), time.monotonic_ns()
        )


def _serve(control: multiprocessing.connection.Connection, port: int, rules: Rules) -> None:
    inbox = RecordingInbox(rules=rules)
    tls = None
    if rules.tls is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(*rules.tls)
    port = port or smtp.free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=tls is not None
    )
    controller.start()
    control.send(port)
    try:
        while (command := control.recv()) != "stop":
            with inbox.lock:
                if command == "count":
                    control.send(len(inbox.receipts))
                elif command == "record":
                    control.send((list(inbox.receipts), list(inbox.deferred), list(inbox.refused)))
    finally:
        controller.stop()
        with inbox.lock:  # all it took, up to the moment it stopped
            control.send((list(inbox.receipts), list(inbox.deferred), list(inbox.refused)))


type Record = tuple[list[Receipt], list[Receipt], list[str]]


class SinkProcess:
    """An aiosmtpd server in a child process; ask it what arrived."""

    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules or Rules()
        self.port = 0
        self._earlier: Record = ([], [], [])  # what it took before a restart
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._control, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(theirs, self.port, self.rules), daemon=True
        )
        self._process.start()
        if not self._control.poll(30):
            raise RuntimeError("the SMTP sink did not start")
        self.port = self._control.recv()
        self.running = True

    def count(self) -> int:
        if not self.running:
            return len(self._earlier[0])
        self._control.send("count")
        return len(self._earlier[0]) + int(self._control.recv())

    def _record(self) -> Record:
        if not self.running:
            return self._earlier
        self._control.send("record")
        now: Record = self._control.recv()
        return (
            self._earlier[0] + now[0],
            self._earlier[1] + now[1],
            self._earlier[2] + now[2],
        )

    def receipts(self) -> list[Receipt]:
        return self._record()[0]

    def deferred(self) -> list[Receipt]:
        """Messages answered "451" after their dot (not taken)."""
        return self._record()[1]

    def refused(self) -> list[str]:
        """Recipients answered "550"."""
        return self._record()[2]

    def stop(self) -> None:
        """Stop listening (the port refuses connections; open ones are cut)."""
        if not self.running:
            return
        self._control.send("stop")
        if self._control.poll(15):
            final: Record = self._control.recv()
            self._earlier = (
                self._earlier[0] + final[0],
                self._earlier[1] + final[1],
                self._earlier[2] + final[2],
            )
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
        self.running = False

    def restart(self) -> None:
        """Listen again on the same port, keeping what was taken before."""
        self.stop()
        self._start()
