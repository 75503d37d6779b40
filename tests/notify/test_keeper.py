"""The line keeper, and a worker killed at each moment of a message.

The keeper is a real process; the lines are real TCP connections on loopback; the workers
that die are real processes killed by SIGKILL (tests/notify/die_at.py) at a chosen moment,
against a real SMTP server. What the server received is the truth.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.notify import checkin_email, keeper, recovery, wire
from tend.notify.dispatch import Dispatcher
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import smtp
from tests.database import database_url
from tests.notify.outbox import drain, due

IDLE = os.environ["TEND_KEEPER_IDLE_SECONDS"]  # set for every test: see conftest.py


@pytest.fixture
def address() -> str:
    return keeper.address_for(f"test-{uuid.uuid4()}")


class Line:
    """A TCP connection on loopback: `near` is the worker's end, `far` the server's."""

    def __init__(self) -> None:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            self.near = socket.create_connection(listener.getsockname())
            self.far, _ = listener.accept()
        self.far.settimeout(2)

    def far_sees_end(self, within: float = 2.0) -> bool:
        self.far.settimeout(within)
        try:
            return self.far.recv(100) == b""
        except TimeoutError:
            return False


def reach(address: str, worker: str) -> keeper.Link:
    link = keeper.Link.reach(address, worker)
    assert link is not None
    return link


def orphans(link: keeper.Link, within: float = 2.0) -> list[keeper.Orphan]:
    """The keeper learns of a death a moment after it: ask until it has."""
    deadline = time.monotonic() + within
    while not (found := link.orphans()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


NOTE = {"checkin": 7, "end": 42}


def holding(
    address: str, worker: str, note: dict[str, Any] | None = NOTE
) -> tuple[keeper.Link, Line]:
    """A worker that has handed the keeper a line, with a message in flight unless
    `note` is None."""
    line = Line()
    link = reach(address, worker)
    link.hold("1", line.near)
    if note is not None:
        link.note("1", note)
    return link, line


def assert_no_orphans(address: str) -> None:
    other = reach(address, "other")
    assert other.orphans() == []
    other.close()


def die(link: keeper.Link, *lines: Line) -> None:
    """What a killed worker leaves: its link and its ends of the lines closed by the kernel,
    without a goodbye."""
    link.sock.close()
    for line in lines:
        line.near.close()


def test_a_line_outlives_the_worker_that_held_it_and_goes_to_the_next(address: str) -> None:
    first, line = holding(address, "first")
    die(first, line)

    assert not line.far_sees_end(within=0.3)  # the keeper's handle keeps it open
    second = reach(address, "second")
    [orphan] = orphans(second)
    assert (orphan.worker, orphan.note) == ("first", NOTE)
    orphan.sock.sendall(b"still here")
    assert line.far.recv(100) == b"still here"  # the very same connection

    assert second.orphans() == []  # lent once, not twice
    orphan.sock.close()
    second.settled(orphan.key)
    assert line.far_sees_end()  # settled: the keeper let go, and the line closed
    second.close()


def test_a_line_with_nothing_in_flight_closes_with_its_worker(address: str) -> None:
    worker, line = holding(address, "worker", note=None)
    die(worker, line)

    assert line.far_sees_end()
    assert_no_orphans(address)


def test_a_worker_that_says_goodbye_leaves_nothing_behind(address: str) -> None:
    worker, line = holding(address, "worker")
    worker.close()
    line.near.close()

    assert line.far_sees_end()
    assert_no_orphans(address)


def test_an_orphan_whose_borrower_dies_too_is_lent_again(address: str) -> None:
    first, line = holding(address, "first")
    die(first, line)
    second = reach(address, "second")
    [borrowed] = orphans(second)
    die(second)
    borrowed.sock.close()

    third = reach(address, "third")
    [again] = orphans(third)
    assert (again.worker, again.note) == ("first", NOTE)
    again.sock.close()
    third.settled(again.key)
    third.close()


def test_the_keeper_goes_once_nobody_needs_it(address: str) -> None:
    worker = reach(address, "worker")
    worker.close()
    time.sleep(float(IDLE) + 1.5)
    assert keeper.Link.reach(address, "late", spawn=False) is None


def test_another_process_of_the_same_user_may_connect_but_the_socket_is_not_on_disk(
    address: str,
) -> None:
    # Linux: an abstract address (nothing to clean up, nothing another user can open:
    # the keeper checks who connects).
    if sys.platform == "linux":
        assert address.startswith("@")
    worker = reach(address, "worker")
    worker.close()


def test_the_kernel_counts_what_was_written_even_if_it_has_not_left() -> None:
    line = Line()
    start = wire.counts(line.near)
    assert start is not None
    line.near.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    line.near.sendall(b"x" * 10)  # held back by the cork
    held = wire.counts(line.near)
    assert held is not None and held.written == start.written + 10
    line.far.sendall(b"250 OK\r\n")
    time.sleep(0.05)
    answered = wire.counts(line.near)
    assert answered is not None
    assert (answered.received - start.received, answered.unread) == (8, 8)
    line.near.recv(100)
    read = wire.counts(line.near)
    assert read is not None and (read.received - start.received, read.unread) == (8, 0)


# -- a worker killed at each moment of a message -------------------------------------------


@pytest.fixture
def server(settings: Any) -> Iterator[smtp.Answering]:
    with smtp.serving(smtp.Answering(), settings) as inbox:
        yield inbox


def kill_worker_at(moment: str, port: int, tls: bool = False) -> None:
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url(),
        "TEND_EMAIL_HOST": "127.0.0.1",
        "TEND_EMAIL_PORT": str(port),
        "TEND_EMAIL_TLS": "1" if tls else "0",
    }
    process = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.notify.die_at", moment],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == -9, process.stderr.decode()[-2000:]


def settle_what_it_left() -> list[str]:
    link = keeper.Link.reach(keeper.address_for(recovery.identity()), "next", spawn=False)
    assert link is not None, "the keeper went with the worker"
    found = []
    for orphan in orphans(link):
        found.append(recovery.settle(orphan))
        orphan.sock.close()
        link.settled(orphan.key)
    link.close()
    return found


def message_ids(inbox: smtp.Inbox) -> list[str]:
    return [str(m["Message-ID"]) for m in inbox.messages]


KILLED_AT = [
    ("before-end", "250 OK", "its end never left; due again"),
    ("before-commit", "250 OK", "the server took it; recorded"),
    ("before-answer", "250 OK", "the server took it; recorded"),
    ("before-answer", "451 4.3.0 try again later", "the server said not now; it goes again later"),
    ("before-taking-answer", "250 OK", "the server took it; recorded"),
    ("after-taking-answer", "250 OK", "it had acted on the answer"),
]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("moment", "answer", "found"), KILLED_AT)
def test_a_worker_killed_at_any_moment_of_a_message_sends_it_exactly_once(
    alice: Practitioner,
    server: smtp.Answering,
    settings: Any,
    moment: str,
    answer: str,
    found: str,
) -> None:
    [checkin] = due(alice, "dana@example.com")
    server.answers = [answer]
    settings.DISPATCH_RETRY_SECONDS = 0

    kill_worker_at(moment, server.port)
    assert settle_what_it_left() == [found]
    drain()  # whatever is due again goes now

    assert message_ids(server) == [checkin_email.message_id(f"checkin:{checkin.pk}")]
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
    assert Delivery.objects.get(checkin=checkin).state == Delivery.State.SENT


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_before_reading_a_refusal_the_delivery_failed_and_the_app_still_has_it(
    alice: Practitioner, server: smtp.Answering
) -> None:
    [checkin] = due(alice, "dana@example.com")
    server.answers = ["554 5.7.1 no thank you"]

    kill_worker_at("before-answer", server.port)
    assert settle_what_it_left() == ["the server refused it"]
    drain()

    assert server.messages == []
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
    assert Delivery.objects.get(checkin=checkin).state == Delivery.State.FAILED
    assert CheckIn.objects.filter(pk=checkin.pk, sent_at__lte=timezone.now()).exists()


def keeper_pid(link: keeper.Link) -> int:
    pid, _uid, _gid = struct.unpack("3i", link.sock.getsockopt(socket.SOL_SOCKET, SO_PEERCRED, 12))
    return int(pid)


SO_PEERCRED = getattr(socket, "SO_PEERCRED", 17)


@pytest.mark.django_db
def test_a_worker_whose_keeper_is_gone_goes_on_sending_without_it(
    alice: Practitioner, server: smtp.Answering, address: str
) -> None:
    due(alice, "dana@example.com", "eli@example.com")
    link = reach(address, "worker")
    dispatcher = Dispatcher("worker", keeper=link)
    os.kill(keeper_pid(link), signal.SIGKILL)

    outcome = dispatcher.send_due()
    dispatcher.close()

    assert outcome.sent == 2
    assert not link.alive
    assert sorted(str(m["To"]) for m in server.messages) == ["dana@example.com", "eli@example.com"]


@pytest.fixture
def tls_server(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[smtp.Answering]:
    cert, context = smtp.self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted here and by the worker
    with smtp.serving(smtp.Answering(), settings, tls=context) as inbox:
        yield inbox


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("moment", "found"),
    [
        ("before-end", "its end never left; due again"),
        ("before-commit", "the server took it; recorded"),
    ],
)
def test_over_tls_the_keeper_still_tells_whether_the_end_had_left(
    alice: Practitioner, tls_server: smtp.Answering, moment: str, found: str
) -> None:
    # The answer can't be read without the dead worker's keys, but the bytes written,
    # with each TLS record's framing, still say whether the end left.
    [checkin] = due(alice, "dana@example.com")

    kill_worker_at(moment, tls_server.port, tls=True)
    assert settle_what_it_left() == [found]
    drain()

    assert message_ids(tls_server) == [checkin_email.message_id(f"checkin:{checkin.pk}")]
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
