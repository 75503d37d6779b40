"""Dispatch: N due check-ins through `tend worker --drain`, against raw smtplib to one sink.

Prints one JSON line: {"bench": "dispatch", "n", "seconds", "raw_seconds", "ratio",
"duplicates", "missed", "worker_rss_mb"}. ratio = raw_seconds / seconds (target >= 0.4).

Everything runs on this machine: a throwaway SQLite database (production-like settings:
TEND_DEBUG=0, so templates are cached), an aiosmtpd sink in its own process that counts
messages and Message-IDs, and the worker as a subprocess whose peak RSS is read from
wait4(). The raw run then sends the same number of messages of the same sizes (built from
the same template, once) over one smtplib connection to the same sink.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bench.setup import setup_django

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
CHECKINS_PER_SESSION = 4  # a moderate plan: 6h, 24h, 72h, a week
SAMPLES = 16  # distinct messages the raw run cycles through


# --- the sink, in its own process -------------------------------------------------------


class CountingHandler:
    def __init__(self) -> None:
        self.received = 0
        self.ids: Counter[bytes] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        self.received += 1
        self.ids[found.group(1) if found else b""] += 1
        return "250 OK"


def serve(port: int, control: multiprocessing.connection.Connection) -> None:
    """Run the sink until told to stop; answer "stats" and "reset" over the pipe."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    control.send("ready")
    try:
        while True:
            command = control.recv()
            if command == "stats":
                control.send((handler.received, len(handler.ids)))
            elif command == "reset":
                handler.received, handler.ids = 0, Counter()
                control.send("ok")
            else:
                break
    finally:
        controller.stop()


class Sink:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        ctx = multiprocessing.get_context("spawn")
        self.control, theirs = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(self.port, theirs), daemon=True)
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def stats(self) -> tuple[int, int]:
        """(messages received, distinct Message-IDs) since the last reset."""
        self.control.send("stats")
        received, distinct = self.control.recv()
        return int(received), int(distinct)

    def reset(self) -> None:
        self.control.send("reset")
        self.control.recv()

    def stop(self) -> None:
        self.control.send("stop")
        self.process.join(10)


# --- the database -------------------------------------------------------------------------


def insert_due(n: int) -> None:
    """n due check-ins: n/4 clients (English and Spanish), a session each, four check-ins."""
    from django.db import transaction
    from django.utils import timezone

    from tend.care.models import Intensity, Modality, Session
    from tend.checkins.models import CheckIn, State
    from tend.clients.models import Client
    from tend.practices.models import Practice, Practitioner

    now = timezone.now()
    chunk = 5_000
    with transaction.atomic():
        practice = Practice.objects.create(name="Bench practice")
        practitioner = Practitioner.objects.create_user(
            "bench@example.com", None, practice=practice, name="Robin Bench"
        )
        clients_needed = -(-n // CHECKINS_PER_SESSION)
        made = 0
        for start in range(0, clients_needed, chunk):
            clients = Client.objects.bulk_create(
                Client(
                    practice=practice,
                    practitioner=practitioner,
                    name=f"Client {i}",
                    email=f"client{i}@example.com",
                    language="es" if i % 3 == 0 else "en",
                )
                for i in range(start, min(start + chunk, clients_needed))
            )
            sessions = Session.objects.bulk_create(
                Session(
                    practice=practice,
                    client=client,
                    practitioner=practitioner,
                    starts_at=now - dt.timedelta(hours=8),
                    modality=Modality.BODYWORK,
                    intensity=Intensity.MODERATE,
                    plan_hours=[6, 24, 72, 168],
                )
                for client in clients
            )
            rows = []
            for client, session in zip(clients, sessions, strict=True):
                for sequence in range(1, CHECKINS_PER_SESSION + 1):
                    if made == n:
                        break
                    made += 1
                    rows.append(
                        CheckIn(
                            practice=practice,
                            client=client,
                            session=session,
                            state=State.SCHEDULED,
                            sequence=sequence,
                            due_at=now - dt.timedelta(minutes=sequence),
                            closes_at=now + dt.timedelta(hours=48),
                        )
                    )
            CheckIn.objects.bulk_create(rows, batch_size=chunk)


# --- the two runs -------------------------------------------------------------------------


def peak_rss_kib(pid: int) -> int:
    """VmHWM: the process's own high-water mark (ru_maxrss would count the parent's too)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def run_worker(env: dict[str, str]) -> tuple[float, float]:
    """Time `tend worker --drain` from start to exit; return (seconds, peak RSS in MB)."""
    command = [sys.executable, "-m", "tend.cli", "worker", "--drain", "--interval", "0.2"]
    peak = 0
    done = threading.Event()

    def watch(pid: int) -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, peak_rss_kib(pid))

    started = time.perf_counter()
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    watcher = threading.Thread(target=watch, args=(worker.pid,), daemon=True)
    watcher.start()
    code = worker.wait()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    if code != 0:
        raise RuntimeError(f"tend worker exited with {code}")
    return seconds, peak / 1024


def sample_messages() -> list[tuple[str, list[str], bytes]]:
    """Real check-in emails, built once, as (from, to, bytes): what the worker puts on the wire."""
    from tend.checkins import email as checkin_email
    from tend.checkins.models import CheckIn
    from tend.notify import drain, outbox

    sender = drain.envelope_sender()
    rows = CheckIn.objects.select_related("client__practitioner", "session").order_by("pk")
    samples = []
    for checkin in rows[:SAMPLES]:
        to = outbox.envelope_address(checkin.client.email)
        samples.append((sender, [to], checkin_email.build(checkin)))
    return samples


def run_raw(port: int, n: int, samples: list[tuple[str, list[str], bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, local_hostname="localhost") as smtp:
        for i in range(n):
            sender, recipients, data = samples[i % len(samples)]
            smtp.sendmail(sender, recipients, data)
    return time.perf_counter() - started


def measure(n: int) -> dict[str, object]:
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory(prefix="tend-bench-") as tmp:
            env = {
                **os.environ,
                "TEND_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "TEND_DATA_DIR": tmp,
                "TEND_DEBUG": "0",
                "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "TEND_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
                "TEND_EMAIL_HOST": "127.0.0.1",
                "TEND_EMAIL_PORT": str(sink.port),
                "TEND_LOG_LEVEL": "WARNING",
            }
            setup_django(env)
            insert_due(n)

            seconds, rss_mb = run_worker(env)
            received, distinct = sink.stats()

            from tend.checkins.models import CheckIn, State

            missed = CheckIn.objects.exclude(state=State.SENT).count()
            samples = sample_messages()

            sink.reset()
            raw_seconds = run_raw(sink.port, n, samples)
            raw_received, _ = sink.stats()
            if raw_received != n:
                raise RuntimeError(f"raw run: the sink got {raw_received} of {n}")
    finally:
        sink.stop()
    return {
        "bench": "dispatch",
        "n": n,
        "seconds": round(seconds, 3),
        "raw_seconds": round(raw_seconds, 3),
        "ratio": round(raw_seconds / seconds, 3),
        "duplicates": received - distinct,
        "missed": missed + (n - distinct),
        "worker_rss_mb": round(rss_mb, 1),
    }


def main(n: int) -> None:
    print(json.dumps(measure(n)), flush=True)
