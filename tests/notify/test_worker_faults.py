"""`tend worker` under faults: killed at random, four at once, stopped politely.

Real worker processes run against the test database (committed rows, hence
`transactional_db`) and a real SMTP server on loopback. What arrives at that server is the
truth: every check-in's message arrives, exactly once. A worker killed after a message's
final dot has left and before it has recorded that is the hard case (the server has the
message; SMTP gives no way to ask it afterwards, RFC 1047): the line keeper still holds the
worker's line, and the next worker settles it (tend/notify/keeper.py, recovery.py).
tests/notify/test_keeper.py kills a worker at each such moment in turn; here the moments
are random.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tend.care.models import Intensity, Modality, Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.notify.outbox import message_id
from tests import factories
from tests.database import database_url
from tests.notify.sink import SinkProcess

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("transactional_db")]

ROWS = 1_000
LEASE_SECONDS = 2
MIN_KILLS = 10


@pytest.fixture
def sink() -> Iterator[SinkProcess]:
    server = SinkProcess()
    try:
        yield server
    finally:
        server.stop()


def make_due(n: int) -> list[int]:
    """n clients, each with a session an hour ago and its first check-in now due."""
    practitioner = factories.PractitionerFactory()
    practice_id = practitioner.practice_id
    now = timezone.now()
    clients = Client.objects.bulk_create(
        Client(
            practice_id=practice_id,
            practitioner=practitioner,
            name=f"Fault Client {i}",
            email=f"fault{i}@example.com",
            language="es" if i % 4 == 0 else "en",
        )
        for i in range(n)
    )
    sessions = Session.objects.bulk_create(
        Session(
            practice_id=practice_id,
            client=client,
            practitioner=practitioner,
            starts_at=now - dt.timedelta(hours=1),
            modality=Modality.BODYWORK,
            intensity=Intensity.MODERATE,
        )
        for client in clients
    )
    checkins = CheckIn.objects.bulk_create(
        CheckIn(
            practice_id=practice_id,
            client=client,
            session=session,
            state=State.SCHEDULED,
            sequence=1,
            due_at=now - dt.timedelta(minutes=1),
            closes_at=now + dt.timedelta(hours=48),
        )
        for client, session in zip(clients, sessions, strict=True)
    )
    return [c.pk for c in checkins]


class Workers:
    """Starts `tend worker` processes on the test database; kills any left at the end."""

    def __init__(self, sink_port: int, logs: Path) -> None:
        self.env = {
            **os.environ,
            "TEND_DATABASE_URL": database_url(),
            "TEND_EMAIL_HOST": "127.0.0.1",
            "TEND_EMAIL_PORT": str(sink_port),
            "TEND_DISPATCH_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "tend.cli", "worker", "--interval", "0.2", *args]
        with (self.logs / f"worker-{len(self.started) + 1}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.started.append(process)
        return process

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def workers(sink: SinkProcess, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(sink.port, tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def wait_for_mail(sink: SinkProcess, more_than: int, timeout: float) -> bool:
    return wait_for(lambda: sink.count() > more_than, timeout)


def sent_rows() -> int:
    return CheckIn.objects.filter(state=State.SENT).count()


@dataclass
class Tally:
    raw: int
    distinct: int
    by_recipient: dict[str, set[str]]

    @property
    def resends(self) -> int:
        return self.raw - self.distinct


def tally(sink: SinkProcess) -> Tally:
    receipts = sink.receipts()
    by_recipient: dict[str, set[str]] = collections.defaultdict(set)
    for receipt in receipts:
        by_recipient[receipt.to].add(receipt.message_id)
    distinct = len({receipt.message_id for receipt in receipts})
    return Tally(len(receipts), distinct, dict(by_recipient))


def expected_ids(checkin_ids: list[int]) -> dict[str, str]:
    """Recipient -> the one Message-ID their check-in's email must carry."""
    rows = CheckIn.objects.filter(pk__in=checkin_ids).values_list("pk", "client__email")
    return {email: message_id(f"checkin:{pk}") for pk, email in rows}


def assert_each_delivered_once(checkin_ids: list[int], result: Tally) -> None:
    expected = expected_ids(checkin_ids)
    assert len(expected) == len(checkin_ids)
    missing = sorted(set(expected) - set(result.by_recipient))
    assert not missing, f"{len(missing)} check-ins never arrived, e.g. {missing[:3]}"
    assert set(result.by_recipient) == set(expected), "mail to someone with no check-in"
    different = {r: ids for r, ids in result.by_recipient.items() if ids != {expected[r]}}
    assert not different, f"check-ins with other or several Message-IDs: {different}"
    assert result.distinct == len(checkin_ids)


def assert_all_sent_and_let_go(checkin_ids: list[int]) -> None:
    rows = CheckIn.objects.filter(pk__in=checkin_ids)
    assert rows.filter(state=State.SENT).count() == len(checkin_ids)
    assert not rows.exclude(lease_owner="").exists()
    assert Delivery.objects.filter(key__in=[f"checkin:{pk}" for pk in checkin_ids]).count() == len(
        checkin_ids
    )


def test_a_worker_killed_at_random_sends_each_checkin_exactly_once(
    sink: SinkProcess, workers: Workers
) -> None:
    ids = make_due(ROWS)
    seed = int(os.environ.get("TEND_FAULT_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    kills = 0
    deadline = time.monotonic() + 60
    while kills < MIN_KILLS:
        assert time.monotonic() < deadline, f"only {kills} kills in a minute (seed {seed})"
        assert sent_rows() < ROWS, f"all sent after {kills} kills; kill sooner (seed {seed})"
        before = sink.count()
        worker = workers.start()
        # Kill it at a random moment once it is sending (claiming, rendering, talking SMTP
        # or writing rows: wherever it happens to be).
        assert wait_for_mail(sink, more_than=before, timeout=10), (
            f"restarted worker sent nothing (seed {seed})"
        )
        time.sleep(rng.uniform(0.0, 0.12))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1

    # Then one more, left alone: it takes what is free now and, as leases run out, the rows
    # the killed workers held.
    last = workers.start()
    assert wait_for(lambda: sent_rows() == ROWS, timeout=30, step=0.05), (
        f"{ROWS - sent_rows()} rows never sent (seed {seed})"
    )
    last.send_signal(signal.SIGTERM)
    assert last.wait(timeout=10) == 0

    result = tally(sink)
    settled = collections.Counter(
        line.split(": ", 1)[1].strip()
        for log in workers.logs.glob("worker-*.log")
        for line in log.read_text().splitlines()
        if "died mid-message" in line
    )
    print(
        f"\n[{connection.vendor}] seed={seed} kills={kills} raw={result.raw} "
        f"distinct={result.distinct} resends={result.resends} lines settled={dict(settled)}"
    )
    assert_each_delivered_once(ids, result)
    assert_all_sent_and_let_go(ids)
    assert result.resends == 0, f"sent twice (seed {seed})"
    assert sum(settled.values()) > 0, "no worker died mid-message: the keeper went untested"


def test_b_four_workers_at_once_send_each_checkin_exactly_once(
    sink: SinkProcess, workers: Workers
) -> None:
    ids = make_due(ROWS)
    procs = [workers.start("--drain") for _ in range(4)]
    codes = [proc.wait(timeout=60) for proc in procs]
    assert codes == [0, 0, 0, 0]

    result = tally(sink)
    per_connection = collections.Counter(receipt.connection for receipt in sink.receipts())
    print(
        f"\n[{connection.vendor}] raw={result.raw} distinct={result.distinct} "
        f"per connection={sorted(per_connection.values(), reverse=True)}"
    )
    assert result.raw == ROWS, f"{result.raw - result.distinct} duplicates"
    assert_each_delivered_once(ids, result)
    assert_all_sent_and_let_go(ids)
    assert len(per_connection) > 1, "one worker did everything: no concurrency was tested"


def test_c_sigterm_finishes_cleanly_and_leaves_nothing_leased(
    sink: SinkProcess, workers: Workers
) -> None:
    rows_due = 300  # three batches
    ids = make_due(rows_due)
    worker = workers.start()
    assert wait_for_mail(sink, more_than=0, timeout=10)
    worker.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert worker.wait(timeout=10) == 0
    stopped_in = time.monotonic() - started
    assert stopped_in < 5  # it finished the message in hand, not the batch or the outbox

    rows = CheckIn.objects.filter(pk__in=ids)
    assert not rows.exclude(lease_owner="").exists()
    assert not rows.filter(lease_until__gt=timezone.now()).exists()
    done = rows.filter(state=State.SENT).count()
    result = tally(sink)
    print(f"\n[{connection.vendor}] stopped in {stopped_in:.2f}s after {done} sent")
    assert 0 < done < rows_due
    assert result.raw == result.distinct == done
    assert set(rows.exclude(state=State.SENT).values_list("state", flat=True)) == {State.SCHEDULED}

    # Nothing is held, so the next worker takes the rest at once (no lease to wait out).
    assert workers.start("--drain").wait(timeout=30) == 0
    result = tally(sink)
    assert result.raw == rows_due
    assert_each_delivered_once(ids, result)
    assert_all_sent_and_let_go(ids)
