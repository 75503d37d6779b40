"""Load: `tend serve` on PostgreSQL with 200 people using it at once, while its worker sends
2,000 due check-ins.

Prints one JSON line: {"bench": "load", "database", "web_processes", "users",
"practitioners", "clients", "seconds", "requests", "errors", "rps", "p50_ms", "p95_ms",
"p99_ms", "max_ms", "requests_by_kind", "p95_ms_by_kind", "due", "dispatched", "dispatch_seconds",
"closed_clients", "closed_post_rps", "closed_trivial_rps", "closed_ratio",
"closed_post_p95_ms", "closed_trivial_p95_ms", "closed_errors"} (and "error_examples" when
there are errors). Targets: errors == 0, p95_ms < 800, closed_ratio >= 0.5.

The server: `tend serve` (gunicorn and one worker) in a subprocess, with production
settings, on a scratch database created on the PostgreSQL server that TEND_DATABASE_URL
names (else postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards; emails go
to a local SMTP sink that counts them (bench/dispatch.py). Without a reachable PostgreSQL
it prints {"bench": "load", "skipped": why} and exits 0.

The data: ten practices of four practitioners, each with 150 clients and two years of
sessions, check-ins and alerts (bench/triage.py's generator). Once the server is healthy,
2,000 due check-ins are added (bench/dispatch.py's) and the people start.

The people, each a thread with its own cookies, pausing 2-5 s after each action for the
whole run (new connection per request, as gunicorn's sync workers close each one):
- a fifth are practitioners, signed in already: they open the Needs-you-now queue (/),
  one of their clients' pages, now and then the client list;
- the rest are clients: each first signs in with the link from their email (the confirm
  page, then its button), then either opens their check-in page, takes a few seconds, and
  sends the form (then sees the thanks page), or taps an answer in a follow-up email (the
  page that posts itself, then the answer page).
Every response must be the one a browser expects (200, or 302 where a form redirects);
anything else, or no answer within a minute, is an error.

Then the closed loop: `closed_clients` signed-in clients send the check-in form as fast
as they can, and as many signed-in practitioners open a trivial page (the practice's
aftercare plans) as fast as they can; each for 2 x 8 s, in the order A B B A. The ratio is
the form's requests per second over the trivial page's.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bench.setup import setup_django
from bench.triage import free_port, p

PRACTICES = 10
CLIENTS_PER_PRACTICE = 150
CHECKINS_PER_PRACTICE = 15_000
DUE = 2_000
OPEN_PER_CLIENT = 15  # follow-ups waiting in each client user's inbox, for one-tap answers
PRACTITIONER_SHARE = 0.2
PAUSE = (2.0, 5.0)
CLOSED_CLIENTS = 30
CLOSED_SECONDS = 8.0
TIMEOUT = 60.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTES = {
    "en": [
        "Slept better than I expected.",
        "A bit tired today but calmer.",
        "Some tears this morning, then a long walk helped.",
        "My shoulders feel lighter.",
        "",
    ],
    "es": [
        "Dormí mejor de lo que esperaba.",
        "Un poco cansada hoy, pero más tranquila.",
        "Lloré un poco esta mañana; caminar me ayudó.",
        "",
    ],
}
TAPS = (("settled", 40), ("tender", 30), ("stirred", 20), ("overwhelmed", 5), ("reach_out", 5))


# --- the browser ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    note: str = ""


@dataclass
class Browser:
    """One person's browser: their cookies, and every request timed into `samples`."""

    port: int
    samples: list[Sample]
    cookies: dict[str, str] = field(default_factory=dict)

    def go(
        self, kind: str, path: str, form: dict[str, Any] | None = None, expect: int = 200
    ) -> tuple[int, str, str]:
        """(status, body, Location) of one request; recorded as ok when status == expect."""
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, text, location, note = 0, "", "", ""
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request("POST" if form is not None else "GET", path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
            status, location = response.status, response.getheader("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        except (OSError, http.client.HTTPException) as error:
            note = f"{type(error).__name__}: {error}"
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        if status != expect and not note:
            note = f"{status} (expected {expect})"
        self.samples.append(Sample(kind, seconds, status == expect, f"{kind} {path}: {note}"))
        return status, text, location

    def token(self, page: str) -> str:
        found = CSRF.search(page)
        return found.group(1) if found else ""


# --- the people -------------------------------------------------------------------------------


@dataclass
class Practitioner:
    browser: Browser
    client_ids: list[int]

    def start(self, rng: random.Random) -> None:
        pass  # signed in already

    def act(self, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.5:
            self.browser.go("queue", "/")
        elif roll < 0.9:
            self.browser.go("client_page", f"/clients/{rng.choice(self.client_ids)}/")
        else:
            self.browser.go("client_list", "/clients/")


@dataclass
class ClientUser:
    browser: Browser
    language: str
    signin_path: str
    tap_paths: list[str]  # one per waiting follow-up, answer chosen

    def start(self, rng: random.Random) -> None:
        _status, page, _ = self.browser.go("signin_page", self.signin_path)
        form = {"csrfmiddlewaretoken": self.browser.token(page)}
        self.browser.go("signin", self.signin_path, form, expect=302)

    def act(self, rng: random.Random) -> None:
        if self.tap_paths and rng.random() < 0.5:
            path = self.tap_paths.pop()
            _status, page, _ = self.browser.go("tap_page", path)
            self.browser.go("tap", path, {"csrfmiddlewaretoken": self.browser.token(page)})
            return
        _status, page, _ = self.browser.go("checkin_page", "/c/")
        time.sleep(rng.uniform(*PAUSE))  # reading, choosing, writing a line
        self.post_checkin(rng, page, then_thanks=True)

    def post_checkin(self, rng: random.Random, page: str, then_thanks: bool = False) -> None:
        form = checkin_form(rng, self.language, self.browser.token(page))
        _status, _page, location = self.browser.go("checkin", "/c/checkin/", form, expect=302)
        if then_thanks and location:
            self.browser.go("thanks", urllib.parse.urlsplit(location).path)


def checkin_form(rng: random.Random, language: str, token: str) -> dict[str, Any]:
    from tend.checkins.models import Basic, Emotion, Sensation

    basics = {name: rng.choice(Basic.values) for name in ("slept", "ate", "drank", "moved")}
    return {
        "csrfmiddlewaretoken": token,
        "activation": rng.randint(0, 7),
        "sensations": rng.sample(Sensation.values, rng.randint(0, 3)),
        "emotions": rng.sample(Emotion.values, rng.randint(0, 3)),
        **basics,
        "need": "",
        "wants_contact": rng.choice(["", "no", "no", "yes"]),
        "note": rng.choice(NOTES[language]),
    }


def live(person: Practitioner | ClientUser, until: float, seed: int) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, PAUSE[1]))  # people arrive over the first seconds
    person.start(rng)
    while time.monotonic() < until:
        time.sleep(rng.uniform(*PAUSE))
        if time.monotonic() >= until:
            break
        person.act(rng)


# --- the data ---------------------------------------------------------------------------------


@dataclass
class People:
    practitioners: list[Practitioner]
    clients: list[ClientUser]


def seed_people(port: int, users: int, samples: list[Sample]) -> People:
    """Practices with their history; practitioners signed in; clients with a sign-in link and
    follow-ups waiting, each with its one-tap link."""
    from django.db import connections
    from django.utils import timezone

    from bench import triage
    from tend.care.models import Session
    from tend.checkins import answer_links
    from tend.checkins.models import CheckIn, State
    from tend.clients import links
    from tend.clients.models import Client
    from tend.practices.models import Practitioner as Person

    now = timezone.now()
    for n in range(PRACTICES):
        triage.generate(
            clients=CLIENTS_PER_PRACTICE,
            checkins=CHECKINS_PER_PRACTICE,
            name=f"Load practice {n}",
            email_prefix=f"p{n}.team",
            now=now,
            seed=n + 1,
        )
    triage.analyze()

    rng = random.Random(7)
    team = list(Person.objects.order_by("pk"))
    n_practitioners = max(1, round(users * PRACTITIONER_SHARE))
    practitioners = []
    for i in range(n_practitioners):
        person = team[i % len(team)]
        ids = list(Client.objects.filter(practitioner=person).values_list("pk", flat=True))
        ids = ids or list(
            Client.objects.filter(practice=person.practice_id).values_list("pk", flat=True)
        )
        cookie = triage.session_cookie(person).split("=", 1)
        browser = Browser(port, samples, {cookie[0]: cookie[1]})
        practitioners.append(Practitioner(browser, rng.sample(ids, min(20, len(ids)))))

    chosen = rng.sample(
        list(Client.objects.filter(emails_stopped_at=None).order_by("pk")),
        users - n_practitioners,
    )
    clients = []
    for client in chosen:
        session = Session.objects.filter(client=client).order_by("-starts_at").first()
        waiting = CheckIn.objects.bulk_create(
            CheckIn(
                practice_id=client.practice_id,
                client=client,
                session=session,
                state=State.SENT,
                sequence=0,
                due_at=now - dt.timedelta(minutes=60 + k),
                sent_at=now - dt.timedelta(minutes=59 + k),
                closes_at=now + dt.timedelta(hours=48),
            )
            for k in range(OPEN_PER_CLIENT)
        )
        answers = [a for a, _ in TAPS]
        weights = [w for _, w in TAPS]
        taps = [
            path_of(answer_links.answer_url(c.pk, rng.choices(answers, weights)[0]))
            for c in waiting
        ]
        signin = path_of(links.link_create(client=client))
        clients.append(ClientUser(Browser(port, samples), client.language, signin, taps))
    connections.close_all()
    return People(practitioners, clients)


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


# --- PostgreSQL, the server -------------------------------------------------------------------


def postgres_url() -> str:
    given = os.environ.get("TEND_DATABASE_URL", "")
    if urllib.parse.urlsplit(given).scheme.startswith("postgres"):
        return given
    return "postgres://postgres@127.0.0.1:5432/postgres"


def reachable(url: str) -> str:
    """ "" when PostgreSQL answers at url, else why not."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return ""
    except psycopg.Error as error:
        parts = urllib.parse.urlsplit(url)
        where = f"{parts.hostname}:{parts.port or 5432}"
        return f"PostgreSQL is not reachable at {where}: {str(error).splitlines()[0]}"


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    from bench.triage import _postgres_admin

    name = f"tend_bench_load_{os.getpid()}"
    _postgres_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        _postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serving(env: dict[str, str], port: int, web: int, log: Path) -> Iterator[int]:
    """`tend serve` until it is healthy (its worker has beaten); stopped with SIGTERM."""
    command = [sys.executable, "-m", "tend.cli", "serve", "--addr", f"127.0.0.1:{port}"]
    command += ["--web", str(web), "--workers", "1", "--no-migrate"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        deadline = time.monotonic() + 300
        while not healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"tend serve did not become healthy: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield process.pid
    finally:
        process.terminate()
        try:
            code = process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        if code != 0:
            print(f"load: tend serve exited with {code}", file=sys.stderr)


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/health/")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time (user + system) so far of the web processes and the workers under pid."""
    processes = {}  # pid: (parent, CPU ticks, command line)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            line = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        processes[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), line)
    below, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        children = {child for child, (its, _, _) in processes.items() if its == parent}
        frontier += children - below
        below |= children
    totals = {"web": 0.0, "worker": 0.0}
    for child in below:
        _, ticks, line = processes[child]
        kind = "web" if "gunicorn" in line else "worker" if "worker" in line else ""
        if kind:
            totals[kind] += ticks / os.sysconf("SC_CLK_TCK")
    return totals


# --- the runs ---------------------------------------------------------------------------------


def watch_dispatch(stop: threading.Event, started: float, result: dict[str, Any]) -> None:
    """How many of the due check-ins are sent, and when the last one was."""
    from django.db import connection

    from tend.checkins.models import CheckIn, State

    try:
        while True:
            sent = CheckIn.objects.filter(practice__name="Bench practice", state=State.SENT).count()
            result["dispatched"] = sent
            if sent >= DUE:
                result["dispatch_seconds"] = round(time.monotonic() - started, 1)
                return
            if stop.wait(0.5):
                return
    finally:
        connection.close()


def open_loop(people: People, seconds: float) -> tuple[float, dict[str, Any]]:
    """Everyone at once for `seconds`, while the due check-ins go out."""
    from bench.dispatch import insert_due

    insert_due(DUE)
    dispatch: dict[str, Any] = {"dispatched": 0, "dispatch_seconds": None}
    started = time.monotonic()
    stop = threading.Event()
    watcher = threading.Thread(target=watch_dispatch, args=(stop, started, dispatch))
    watcher.start()
    until = started + seconds
    everyone: list[Practitioner | ClientUser] = [*people.practitioners, *people.clients]
    threads = [
        threading.Thread(target=live, args=(person, until, seed), daemon=True)
        for seed, person in enumerate(everyone)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    stop.set()
    watcher.join()
    return elapsed, dispatch


def flat_out(actions: list[Callable[[], object]], seconds: float) -> None:
    """Each action in its own thread, over and over, for `seconds`."""
    until = time.monotonic() + seconds

    def loop(action: Callable[[], object]) -> None:
        while time.monotonic() < until:
            action()

    threads = [threading.Thread(target=loop, args=(a,), daemon=True) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def closed_loop(people: People, port: int) -> dict[str, Any]:
    posts: list[Sample] = []
    pages: list[Sample] = []
    posting: list[Callable[[], object]] = []
    for i, user in enumerate(people.clients[:CLOSED_CLIENTS]):
        _status, page, _ = Browser(port, [], user.browser.cookies).go("checkin_page", "/c/")
        poster = ClientUser(Browser(port, posts, dict(user.browser.cookies)), user.language, "", [])
        posting.append(functools.partial(poster.post_checkin, random.Random(1000 + i), page))
    opening: list[Callable[[], object]] = []
    for i in range(CLOSED_CLIENTS):
        cookies = people.practitioners[i % len(people.practitioners)].browser.cookies
        browser = Browser(port, pages, dict(cookies))
        opening.append(functools.partial(browser.go, "plans", "/sessions/plans/"))
    seconds = {"post": 0.0, "trivial": 0.0}
    for name, actions in (
        ("post", posting),
        ("trivial", opening),
        ("trivial", opening),
        ("post", posting),
    ):
        started = time.monotonic()
        flat_out(actions, CLOSED_SECONDS)
        seconds[name] += time.monotonic() - started
    post_rps = sum(s.ok for s in posts) / seconds["post"]
    trivial_rps = sum(s.ok for s in pages) / seconds["trivial"]
    return {
        "closed_clients": CLOSED_CLIENTS,
        "closed_post_rps": round(post_rps, 1),
        "closed_trivial_rps": round(trivial_rps, 1),
        "closed_ratio": round(post_rps / trivial_rps, 2) if trivial_rps else None,
        "closed_post_p95_ms": round(p([s.seconds for s in posts], 95)),
        "closed_trivial_p95_ms": round(p([s.seconds for s in pages], 95)),
        "closed_errors": sum(not s.ok for s in posts + pages),
    }


def summary(samples: list[Sample], elapsed: float) -> dict[str, Any]:
    times = [s.seconds for s in samples]
    kinds = sorted({s.kind for s in samples})
    errors = [s for s in samples if not s.ok]
    result: dict[str, Any] = {
        "requests": len(samples),
        "errors": len(errors),
        "rps": round(len(samples) / elapsed, 1),
        "p50_ms": round(p(times, 50)),
        "p95_ms": round(p(times, 95)),
        "p99_ms": round(p(times, 99)),
        "max_ms": round(max(times) * 1000),
        "requests_by_kind": {kind: sum(1 for s in samples if s.kind == kind) for kind in kinds},
        "p95_ms_by_kind": {
            kind: round(p([s.seconds for s in samples if s.kind == kind], 95)) for kind in kinds
        },
    }
    if errors:
        result["error_examples"] = sorted({s.note for s in errors})[:5]
    return result


def measure(users: int, seconds: float, web: int) -> dict[str, Any]:
    from bench.dispatch import Sink

    admin_url = postgres_url()
    why = reachable(admin_url)
    if why:
        return {"bench": "load", "skipped": why}
    sink = Sink()
    try:
        with scratch_database(admin_url) as url, tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            env = {
                **os.environ,
                "TEND_DATABASE_URL": url,
                "TEND_DATA_DIR": tmp,
                "TEND_DEBUG": "0",
                "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "TEND_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
                "TEND_ALLOWED_HOSTS": "127.0.0.1",
                "TEND_SITE_URL": f"http://127.0.0.1:{port}",
                "TEND_SECURE_COOKIES": "0",
                "TEND_EMAIL_HOST": "127.0.0.1",
                "TEND_EMAIL_PORT": str(sink.port),
                "TEND_LOG_LEVEL": "WARNING",
            }
            setup_django(env)
            from django.db import connections

            samples: list[Sample] = []
            seeding = time.perf_counter()
            people = seed_people(port, users, samples)
            seed_seconds = time.perf_counter() - seeding
            log = Path(tmp) / "serve.log"
            with serving(env, port, web, log) as pid:
                load_before = os.getloadavg()[0]
                cpu_before = cpu_seconds(pid)
                elapsed, dispatch = open_loop(people, seconds)
                cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(pid).items()}
                measured = summary(samples, elapsed)
                measured["web_cpu_ms_per_request"] = round(cpu["web"] * 1000 / len(samples), 1)
                measured["web_cpu_cores"] = round(cpu["web"] / elapsed, 2)
                measured["worker_cpu_cores"] = round(cpu["worker"] / elapsed, 2)
                measured["loadavg_before"] = round(load_before, 1)
                closed = closed_loop(people, port)
            connections.close_all()
            received, _distinct = sink.stats()
    finally:
        sink.stop()
    return {
        "bench": "load",
        "database": "postgresql",
        "web_processes": web,
        "users": users,
        "practitioners": len(people.practitioners),
        "clients": len(people.clients),
        "seconds": round(elapsed, 1),
        **measured,
        "due": DUE,
        **dispatch,
        "emails_received": received,
        **closed,
        "seed_seconds": round(seed_seconds, 1),
    }


def main(users: int = 200, seconds: float = 60.0, web: int = 0) -> None:
    if not web:
        from tend.worker.serving import default_web_processes

        web = default_web_processes()
    print(json.dumps(measure(users, seconds, web)), flush=True)
