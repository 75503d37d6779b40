"""`tend worker` under faults: killed at random, over TLS with a grumpy relay, four at once,
stopped politely, a relay or a database that goes away for a while, addresses refused.

Real worker processes run against the test database (committed rows, hence
`transactional_db`) and a real SMTP server in a process of its own (tests/worker/sink.py).
What arrives at that server is the truth, and each test checks what a person would notice:

- nothing is lost: every due check-in's email arrives;
- a worker killed mid-message may leave its message's fate unknown (SMTP gives no way to ask
  a server afterwards, RFC 1047), so it goes again with the same Message-ID: at most one
  repeat per worker killed, and the client's mail program shows it once;
- every check-in ends SENT and held by nobody, and its delivery row says what happened:
  `sent` (or `failed` with the server's reason), `attempts` the times it was put on a line to
  the server.

Seeds for the random kills are printed; set TEND_FAULT_SEED to replay one.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tend.alerts.models import Alert, AlertState, Kind
from tend.care.models import Intensity, Modality, Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.notify.outbox import message_id
from tests import factories
from tests.database import database_url
from tests.smtp import free_port, self_signed
from tests.worker.sink import Receipt, Rules, SinkProcess

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("transactional_db")]

ROWS = 1_000
SHORT_LEASE = 2  # seconds; the default (15) where a test says so


@pytest.fixture
def sink() -> Iterator[SinkProcess]:
    server = SinkProcess()
    try:
        yield server
    finally:
        server.stop()


def make_due(n: int) -> list[int]:
    """n clients, each with a session an hour ago and its first check-in now due (the
    first client's first)."""
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
            due_at=now - dt.timedelta(minutes=1, seconds=n - i),  # sent in this order
            closes_at=now + dt.timedelta(hours=48),
        )
        for i, (client, session) in enumerate(zip(clients, sessions, strict=True))
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
            "TEND_DISPATCH_LEASE_SECONDS": str(SHORT_LEASE),
        }
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "tend.cli", "worker", "--interval", "0.2", *args]
        with self.log(len(self.started)).open("wb") as log:
            process = subprocess.Popen(  # noqa: S603
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.started.append(process)
        return process

    def log(self, index: int) -> Path:
        return self.logs / f"worker-{index + 1}.log"

    def lines(self, containing: str) -> list[str]:
        """Log lines of every worker started that contain `containing`."""
        return [
            line
            for index in range(len(self.started))
            for line in self.log(index).read_text().splitlines()
            if containing in line
        ]

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


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def sent_rows() -> int:
    return CheckIn.objects.filter(state=State.SENT).count()


@dataclass
class Tally:
    receipts: list[Receipt]
    by_recipient: dict[str, set[str]]

    @property
    def raw(self) -> int:
        return len(self.receipts)

    @property
    def distinct(self) -> int:
        return len({receipt.message_id for receipt in self.receipts})

    @property
    def repeats(self) -> int:
        return self.raw - self.distinct


def tally(sink: SinkProcess) -> Tally:
    receipts = sink.receipts()
    by_recipient: dict[str, set[str]] = collections.defaultdict(set)
    for receipt in receipts:
        by_recipient[receipt.to].add(receipt.message_id)
    return Tally(receipts, dict(by_recipient))


def expected_ids(checkin_ids: list[int]) -> dict[str, str]:
    """Recipient -> the one Message-ID their check-in's email must carry."""
    rows = CheckIn.objects.filter(pk__in=checkin_ids).values_list("pk", "client__email")
    return {email: message_id(f"checkin:{pk}") for pk, email in rows}


def assert_none_lost(
    checkin_ids: list[int], result: Tally, refused: frozenset[str] = frozenset()
) -> None:
    """Each check-in's email arrived (bar those refused), only ever with its own Message-ID."""
    expected = {to: mid for to, mid in expected_ids(checkin_ids).items() if to not in refused}
    missing = sorted(set(expected) - set(result.by_recipient))
    assert not missing, f"{len(missing)} check-ins never arrived, e.g. {missing[:3]}"
    assert set(result.by_recipient) == set(expected), "mail to someone who should have none"
    different = {r: ids for r, ids in result.by_recipient.items() if ids != {expected[r]}}
    assert not different, f"check-ins with another Message-ID: {list(different.items())[:3]}"
    assert result.distinct == len(expected)


def keys(checkin_ids: list[int]) -> list[str]:
    return [f"checkin:{pk}" for pk in checkin_ids]


def assert_all_sent_and_let_go(checkin_ids: list[int]) -> None:
    rows = CheckIn.objects.filter(pk__in=checkin_ids)
    assert rows.filter(state=State.SENT).count() == len(checkin_ids)
    assert not rows.exclude(lease_owner="").exists()
    assert not rows.filter(lease_until__gt=timezone.now()).exists()


def assert_deliveries_true(checkin_ids: list[int], result: Tally, kills: int) -> int:
    """Every delivery row `sent`, no error, and `attempts` the times it was put on a line to
    the server: never fewer than the server saw it. It may be more by one for each kill: a
    worker killed after counting a message and before its final dot left (the count and the
    message are in different systems; nothing commits them together). Returns how many
    attempts the server never saw."""
    rows = Delivery.objects.filter(key__in=keys(checkin_ids))
    assert rows.count() == len(checkin_ids)
    states = collections.Counter(rows.values_list("state", flat=True))
    assert states == {Delivery.State.SENT: len(checkin_ids)}, states
    assert not rows.exclude(error="").exists()
    seen = collections.Counter(receipt.message_id for receipt in result.receipts)
    fewer = {
        key: (attempts, seen[message_id(key)])
        for key, attempts in rows.values_list("key", "attempts")
        if attempts < seen[message_id(key)]
    }
    assert not fewer, f"rows counting fewer attempts than the server saw: {fewer}"
    unseen = sum(rows.values_list("attempts", flat=True)) - result.raw
    assert 0 <= unseen <= kills
    return unseen


def kill_at_random(
    workers: Workers, sink: SinkProcess, rng: random.Random, kills: int, seed: int
) -> float:
    """Start a worker and SIGKILL it at a random moment once it sends, `kills` times.
    Returns when the last kill happened (time.monotonic())."""
    killed_at = 0.0
    for kill in range(kills):
        assert sent_rows() < ROWS, f"all sent after {kill} kills; kill sooner (seed {seed})"
        before = sink.count()
        worker = workers.start()
        # Kill it at a random moment once it is sending (claiming, rendering, talking SMTP
        # or writing rows: wherever it happens to be).
        assert wait_for(more_than(sink, before), timeout=20), (
            f"worker {kill + 1} sent nothing (seed {seed})"
        )
        # Up to half a second of sending each: ten kills then leave most rows to the last
        # worker, however fast this machine sends.
        time.sleep(rng.uniform(0.0, 0.5))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
    return killed_at


def more_than(sink: SinkProcess, n: int) -> Callable[[], bool]:
    return lambda: sink.count() > n


def all_arrived(sink: SinkProcess, n: int) -> Callable[[], bool]:
    return lambda: len({r.message_id for r in sink.receipts()}) >= n


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0


# 1. Killed at random


def test_1_workers_killed_at_random_lose_nothing_and_repeat_at_most_once_each(
    sink: SinkProcess, workers: Workers
) -> None:
    ids = make_due(ROWS)
    seed = int(os.environ.get("TEND_FAULT_SEED", random.randrange(2**32)))
    print(f"\n[{connection.vendor}] seed={seed}")
    kills = 10
    last_kill = kill_at_random(workers, sink, random.Random(seed), kills, seed)

    # Then one more, left alone: it takes what is free now and, as leases run out, the rows
    # the killed workers held.
    last = workers.start()
    assert wait_for(lambda: sent_rows() == ROWS, timeout=60, step=0.05), (
        f"{ROWS - sent_rows()} rows never sent (seed {seed})"
    )
    recovered = time.monotonic() - last_kill
    stop(last)

    result = tally(sink)
    attempts = Delivery.objects.filter(key__in=keys(ids)).values_list("attempts", flat=True)
    print(
        f"[{connection.vendor}] kills={kills} received={result.raw} distinct={result.distinct} "
        f"repeats={result.repeats} attempts beyond the first={sum(a - 1 for a in attempts)} "
        f"all sent {recovered:.1f}s after the last kill (lease {SHORT_LEASE}s)"
    )
    assert_none_lost(ids, result)
    assert result.repeats <= kills, f"{result.repeats} repeats for {kills} kills (seed {seed})"
    assert_all_sent_and_let_go(ids)
    unseen = assert_deliveries_true(ids, result, kills)
    print(f"[{connection.vendor}] attempts the server never saw (killed before the dot): {unseen}")


# 2. Over TLS, with a relay that says "not now" at times


def test_2_over_tls_with_a_relay_saying_not_now_killed_workers_lose_nothing(
    workers: Workers, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)[0], tmp_path / "key.pem"
    relay = SinkProcess(Rules(tls=(str(cert), str(key)), defer_every=7))
    try:
        workers.env.update(
            TEND_EMAIL_PORT=str(relay.port),
            TEND_EMAIL_TLS="1",
            SSL_CERT_FILE=str(cert),
            TEND_DISPATCH_RETRY_SECONDS="3",  # a 451'd check-in waits this long (default 30)
        )
        ids = make_due(ROWS)
        seed = int(os.environ.get("TEND_FAULT_SEED", random.randrange(2**32)))
        print(f"\n[{connection.vendor}] seed={seed}")
        kills = 6
        kill_at_random(workers, relay, random.Random(seed), kills, seed)
        last = workers.start()
        assert wait_for(lambda: sent_rows() == ROWS, timeout=60, step=0.05), (
            f"{ROWS - sent_rows()} rows never sent (seed {seed})"
        )
        stop(last)
        result = tally(relay)
        deferred = relay.deferred()
    finally:
        relay.stop()

    print(
        f"[{connection.vendor}] TLS kills={kills} received={result.raw} "
        f"distinct={result.distinct} repeats={result.repeats} answered 451={len(deferred)}"
    )
    assert_none_lost(ids, result)
    assert result.repeats <= kills, f"{result.repeats} repeats for {kills} kills (seed {seed})"
    assert_all_sent_and_let_go(ids)
    rows = Delivery.objects.filter(key__in=keys(ids))
    assert set(rows.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert not rows.exclude(error="").exists()  # the 451 was the reason only until it went
    # Every message turned away with 451 arrived later, under its own Message-ID.
    assert len(deferred) >= ROWS // 7
    taken = collections.defaultdict(list)
    for receipt in result.receipts:
        taken[receipt.message_id].append(receipt.at_ns)
    late = [d for d in deferred if not any(at > d.at_ns for at in taken[d.message_id])]
    assert not late, f"{len(late)} messages answered 451 never arrived later"
    after = [min(at for at in taken[d.message_id] if at > d.at_ns) - d.at_ns for d in deferred]
    print(
        f"[{connection.vendor}] the 451'd arrived {min(after) / 1e9:.1f}-{max(after) / 1e9:.1f}s "
        "later (retry 3s)"
    )
    # Each 451 was a message handed over: counted in its row's attempts (one more at most
    # for each kill, see assert_deliveries_true).
    handed = sum(rows.values_list("attempts", flat=True))
    assert result.raw + len(deferred) <= handed <= result.raw + len(deferred) + kills


# 3. Four at once


def test_3_four_workers_at_once_send_each_checkin_exactly_once(
    sink: SinkProcess, workers: Workers
) -> None:
    ids = make_due(ROWS)
    started = time.monotonic()
    procs = [workers.start("--drain") for _ in range(4)]
    codes = [proc.wait(timeout=90) for proc in procs]
    took = time.monotonic() - started
    assert codes == [0, 0, 0, 0]

    result = tally(sink)
    per_connection = collections.Counter(receipt.connection for receipt in result.receipts)
    print(
        f"\n[{connection.vendor}] 4 workers: received={result.raw} distinct={result.distinct} "
        f"in {took:.1f}s, per connection={sorted(per_connection.values(), reverse=True)}"
    )
    assert result.raw == ROWS, f"{result.repeats} sent twice"
    assert_none_lost(ids, result)
    assert_all_sent_and_let_go(ids)
    assert assert_deliveries_true(ids, result, kills=0) == 0
    assert len(per_connection) > 1, "one worker did everything: no concurrency was tested"


# 4. SIGTERM


def test_4_sigterm_finishes_the_message_in_hand_and_the_next_worker_goes_on_at_once(
    sink: SinkProcess, workers: Workers
) -> None:
    workers.env["TEND_DISPATCH_LEASE_SECONDS"] = "15"  # "at once" must beat a real lease
    ids = make_due(ROWS)
    worker = workers.start()
    assert wait_for(lambda: sink.count() > 50, timeout=20)
    worker.send_signal(signal.SIGTERM)
    asked = time.monotonic()
    assert worker.wait(timeout=10) == 0
    stopped_in = time.monotonic() - asked
    assert stopped_in < 5  # it finished the message in hand, not the batch or the outbox

    rows = CheckIn.objects.filter(pk__in=ids)
    assert not rows.exclude(lease_owner="").exists()
    assert not rows.filter(lease_until__gt=timezone.now()).exists()
    done = rows.filter(state=State.SENT).count()
    result = tally(sink)
    assert 0 < done < ROWS
    assert result.raw == result.distinct == done  # the one in hand went, and was recorded
    assert set(rows.exclude(state=State.SENT).values_list("state", flat=True)) == {State.SCHEDULED}
    assert Delivery.objects.filter(state=Delivery.State.SENDING).count() == 0

    # Nothing is held, so the next worker takes the rest at once (no lease to wait out).
    started = time.monotonic()
    following = workers.start("--drain")
    assert wait_for(lambda: sink.count() > done, timeout=15)
    first_after = time.monotonic() - started
    assert following.wait(timeout=60) == 0
    print(
        f"\n[{connection.vendor}] SIGTERM: stopped in {stopped_in:.2f}s after {done} sent; "
        f"the next worker's first email {first_after:.2f}s after it started (lease 15s)"
    )
    assert first_after < 5
    result = tally(sink)
    assert result.raw == ROWS
    assert_none_lost(ids, result)
    assert_all_sent_and_let_go(ids)
    assert assert_deliveries_true(ids, result, kills=0) == 0


# 5. Recovery time with the default lease


def test_5_after_five_kills_everything_goes_within_30s_with_the_default_lease(
    sink: SinkProcess, workers: Workers
) -> None:
    workers.env["TEND_DISPATCH_LEASE_SECONDS"] = "15"  # the default
    ids = make_due(ROWS)
    seed = int(os.environ.get("TEND_FAULT_SEED", random.randrange(2**32)))
    print(f"\n[{connection.vendor}] seed={seed}")
    kills = 5
    last_kill = kill_at_random(workers, sink, random.Random(seed), kills, seed)
    last = workers.start()
    assert wait_for(all_arrived(sink, ROWS), timeout=45, step=0.1), (
        f"{ROWS - tally(sink).distinct} not arrived 45 s after the last kill (seed {seed})"
    )
    recovered = time.monotonic() - last_kill
    assert wait_for(lambda: sent_rows() == ROWS, timeout=10)
    stop(last)
    result = tally(sink)
    print(
        f"[{connection.vendor}] kills={kills} repeats={result.repeats}: every message "
        f"delivered {recovered:.1f}s after the last kill (lease 15s)"
    )
    assert recovered < 30
    assert_none_lost(ids, result)
    assert result.repeats <= kills
    assert_all_sent_and_let_go(ids)
    assert_deliveries_true(ids, result, kills)


# 6. The relay goes away for a while


def test_6_a_relay_outage_is_waited_out_and_logged_once(
    sink: SinkProcess, workers: Workers
) -> None:
    workers.env["TEND_DISPATCH_RETRY_SECONDS"] = "5"  # the default, 30, would add 25 s
    ids = make_due(ROWS)
    worker = workers.start()
    assert wait_for(lambda: sink.count() > 200, timeout=30)
    sink.stop()
    time.sleep(10)
    assert worker.poll() is None
    sent_while_down = sent_rows()
    sink.restart()
    back = time.monotonic()
    assert wait_for(all_arrived(sink, ROWS), timeout=60, step=0.1)
    recovered = time.monotonic() - back
    assert wait_for(lambda: sent_rows() == ROWS, timeout=10)
    assert worker.poll() is None
    stop(worker)

    result = tally(sink)
    outage = workers.lines("emails wait and are tried again shortly")
    print(
        f"\n[{connection.vendor}] relay down 10s after {sent_while_down} sent: all delivered "
        f"{recovered:.1f}s after it came back (retry 5s); repeats={result.repeats}; "
        f"outage log lines={len(outage)}: {outage}"
    )
    assert recovered < 40
    assert len(outage) == 1
    assert len(workers.lines("the mail server answers again")) == 1
    assert not workers.lines("Traceback")
    assert_none_lost(ids, result)
    assert result.repeats <= 1  # at most the message on the line when it went
    assert_all_sent_and_let_go(ids)
    assert_deliveries_true(ids, result, kills=1)


# 7. Some addresses refused


def test_7_refused_addresses_fail_with_the_reason_and_open_an_unreachable_alert(
    workers: Workers,
) -> None:
    ids = make_due(ROWS)
    refuse = frozenset(f"fault{i}@example.com" for i in range(0, ROWS, 100))
    relay = SinkProcess(Rules(refuse=refuse))
    try:
        workers.env["TEND_EMAIL_PORT"] = str(relay.port)
        assert workers.start("--drain").wait(timeout=60) == 0
        # The sweep for clients out of reach runs in a worker's first round.
        assert workers.start("--drain").wait(timeout=60) == 0
        result = tally(relay)
        refused = set(relay.refused())
    finally:
        relay.stop()

    assert refused == refuse
    assert_none_lost(ids, result, refused=refuse)
    assert result.repeats == 0
    assert_all_sent_and_let_go(ids)  # still answerable in the app
    failed = Delivery.objects.filter(state=Delivery.State.FAILED)
    assert set(failed.values_list("recipient", flat=True)) == refuse
    errors = set(failed.values_list("error", flat=True))
    assert all(error.startswith("550 ") for error in errors), errors
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == ROWS - len(refuse)
    alerts = Alert.objects.filter(kind=Kind.UNREACHABLE, state=AlertState.OPEN)
    alerted = set(alerts.values_list("client__email", flat=True))
    print(
        f"\n[{connection.vendor}] refused={len(refuse)} failed rows={failed.count()} "
        f"errors={sorted(errors)[:1]} unreachable alerts={len(alerted)}"
    )
    assert alerted == refuse


# 8. The database goes away for a while


class Proxy:
    """A TCP proxy to the database that can cut every connection and refuse new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.open()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            try:
                far = socket.create_connection(self.target)
            except OSError:
                near.close()
                continue
            with self.lock:
                self.sockets |= {near, far}
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Every connection dropped; new ones refused until `open`."""
        assert self.listener is not None
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            cut, self.sockets = self.sockets, set()
        for sock in cut:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.cut()


def test_8_a_database_outage_is_waited_out_and_claims_go_at_once_after(
    sink: SinkProcess, workers: Workers
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a database server to lose: SQLite is a file the worker opens itself "
            "(run with TEND_DATABASE_URL=postgres://...)"
        )
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    try:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        workers.env["TEND_DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@127.0.0.1:{proxy.port}/{db['NAME']}"
        )
        workers.env["TEND_DISPATCH_LEASE_SECONDS"] = "60"  # "at once" must beat the lease
        ids = make_due(ROWS)
        worker = workers.start()
        assert wait_for(lambda: sink.count() > 200, timeout=30)
        proxy.cut()
        cut_at = time.monotonic()
        # What it held when the database went (seen from here, past the proxy).
        claimed = list(
            CheckIn.objects.filter(pk__in=ids, state=State.SCHEDULED)
            .exclude(lease_owner="")
            .values_list("pk", flat=True)
        )
        time.sleep(10)
        assert worker.poll() is None, "the worker exited when the database went"
        proxy.open()
        back = time.monotonic()
        claimed_ids = {message_id(f"checkin:{pk}") for pk in claimed}
        assert wait_for(
            lambda: claimed_ids <= {r.message_id for r in sink.receipts()}, timeout=30, step=0.1
        ), "rows it had claimed did not go"
        claimed_in = time.monotonic() - back
        assert wait_for(lambda: sent_rows() == ROWS, timeout=60, step=0.1)
        all_in = time.monotonic() - back
        assert worker.poll() is None
        stop(worker)
    finally:
        proxy.close()

    result = tally(sink)
    lost = workers.lines("lost the database")
    print(
        f"\n[{connection.vendor}] database cut for {back - cut_at:.0f}s holding "
        f"{len(claimed)} rows: those went {claimed_in:.1f}s after it came back (lease 60s), "
        f"all sent after {all_in:.1f}s; repeats={result.repeats}; "
        f"log lines={len(lost)}: {lost}"
    )
    assert claimed, "the worker held nothing when the database went: nothing was tested"
    assert claimed_in < 10
    assert len(lost) == 1
    assert len(workers.lines("the database is back")) == 1
    assert_none_lost(ids, result)
    assert result.repeats <= 1  # at most the message whose 250 could not be recorded
    assert_all_sent_and_let_go(ids)
    assert_deliveries_true(ids, result, kills=1)
