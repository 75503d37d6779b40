"""Triage: the practitioner's home page with 1,000 clients and 1,000,000 check-ins.

Prints one JSON line: {"bench": "triage", "database", "clients", "checkins", "page",
"trivial", "p95_ms", "trivial_p95_ms", "ratio", "p50_ms", "trivial_p50_ms", "requests", "page_kb",
"trivial_kb", "queries", "queries_10_clients", "generate_seconds"} (and "note" when the
measured page is not "/" itself). ratio = p95_ms / trivial_p95_ms (target <= 2); queries
must not grow with the data: queries == queries_10_clients.

The data: a fresh database (a throwaway SQLite file, or a scratch database created on the
PostgreSQL server that TEND_DATABASE_URL names, dropped afterwards) with one practice of
`clients` clients over about two years: a few practitioners (the signed-in one holds most
clients), a session every two weeks or so per client (gentle, moderate and intense), each
session's planned follow-up check-ins and the client's own check-ins in between, in all
exactly `checkins` rows; mostly answered, some sent, missed, cancelled or scheduled. About
5% of clients have open alerts (every kind and level, the signed-in practitioner
responsible), a few more acknowledged ones and a history of resolved ones. A second
practice of 10 clients, with the same density, lives in the same database: the same page is
counted there too. Rows go in with raw SQL (executemany in one transaction on SQLite, COPY
on PostgreSQL), then ANALYZE.

The timing: the page that `reverse("home")` gives, or, while "/" still redirects (before
the triage page lands), the page it redirects to, against the lightest page behind sign-in
(the practice's aftercare plans, "/sessions/plans/", about 3 KB), both signed in as the
same practitioner, served by `tend runserver` (what `tend run`
serves; production-like settings: TEND_DEBUG=0) in a subprocess, over a new http.client
connection per request (see get()); warmed up, then interleaved, the same number of each.

The queries: one request to the page in-process (the Django test client on the same
database) under CaptureQueriesContext, for the big practice and the 10-client one.

Options: `--trivial PATH` compares against another page than /sessions/plans/; `--explain` prints,
on stderr, the page's median time in-process, each query's median time and the plans of the
slowest three; `--keep` keeps the database and prints its URL on stderr.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bench.setup import setup_django

DAYS = 730  # how far back the history goes
SESSION_EVERY_DAYS = 14
CHUNK = 50_000  # rows per executemany / flush
SMALL_PRACTICE_CLIENTS = 10
INTENSITIES = (("gentle", 0.3), ("moderate", 0.45), ("intense", 0.25))
PLAN_HOURS = {  # Tend's defaults (tend.care.plans.DEFAULT_HOURS)
    "gentle": [24, 168],
    "moderate": [6, 24, 72, 168],
    "intense": [3, 24, 48, 96, 168],
}
MODALITIES = (
    "talk_therapy",
    "coaching",
    "bodywork",
    "energy_work",
    "breathwork",
    "ceremony",
    "other",
)
ZONES = (
    "UTC",
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Mexico_City",
    "America/Los_Angeles",
    "Asia/Kolkata",
)
QUICK = ("settled", "tender", "stirred", "overwhelmed", "reach_out")
SENSATIONS = ("tired", "heavy", "open", "buzzing", "tense", "tender", "grounded", "restless")
EMOTIONS = ("calm", "relieved", "grateful", "hopeful", "sad", "tearful", "anxious", "numb")
ALERT_KINDS = ("safety", "contact", "activation", "basics", "silence", "unreachable")


# --- the database -------------------------------------------------------------------------


@contextmanager
def fresh_database(keep: bool) -> Iterator[tuple[str, str]]:
    """(TEND_DATABASE_URL, data dir) of an empty database, removed afterwards unless keep.

    PostgreSQL when TEND_DATABASE_URL names a PostgreSQL server: a scratch database is
    created there (never the one named, which may hold real data). SQLite otherwise.
    """
    tmp = tempfile.mkdtemp(prefix="tend-bench-triage-")
    given = os.environ.get("TEND_DATABASE_URL", "")
    scheme = urllib.parse.urlsplit(given).scheme
    name = ""
    try:
        if scheme.startswith("postgres"):
            name = f"tend_bench_triage_{os.getpid()}"
            _postgres_admin(given, f'CREATE DATABASE "{name}"')
            url = urllib.parse.urlsplit(given)._replace(path=f"/{name}").geturl()
        else:
            url = f"sqlite:///{Path(tmp) / 'triage.sqlite3'}"
        yield url, tmp
    finally:
        if keep:
            print(f"triage: kept the database: TEND_DATABASE_URL={url}", file=sys.stderr)
        else:
            if name:
                _postgres_admin(given, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(tmp, ignore_errors=True)


def _postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement.encode())


# --- bulk rows ------------------------------------------------------------------------------


class Loader:
    """Rows for one model's table, written the fastest plain way each database offers.

    `columns` are the attnames each added row gives, in order; every other concrete field
    gets its default (so new fields with defaults never break the bench). Values must
    already be what the driver takes: `Loader.when()` for datetimes, json.dumps() for JSON.
    """

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection

        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        rest = [f for name, f in by_attname.items() if name not in columns]
        tail = []
        for f in rest:
            if not (f.has_default() or f.null):
                raise ValueError(f"{model.__name__}.{f.name} needs a value in the bench")
            value = f.get_default()
            if f.get_internal_type() == "JSONField":
                tail.append(json.dumps(value))
            else:
                tail.append(f.get_db_prep_save(value, connection))
        self.connection = connection
        self.table = model._meta.db_table
        self.names = [by_attname[c].column for c in columns] + [f.column for f in rest]
        self.tail = tuple(tail)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    @staticmethod
    def when(value: dt.datetime | None) -> Any:
        """A datetime as the driver takes it (SQLite: Django's naive-UTC text)."""
        if value is None or not SQLITE:
            return value
        return str(value.replace(tzinfo=None))

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.tail)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(n) for n in self.names)
        if SQLITE:
            marks = ", ".join("?" * len(self.names))
            insert = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
            self.connection.connection.executemany(insert, self.rows)
        else:
            with self.connection.connection.cursor() as cursor:  # psycopg: COPY
                copy_sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"
                with cursor.copy(copy_sql.encode()) as copy:
                    for row in self.rows:
                        copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []


SQLITE = True  # set by generate(): which database the loaders write to


def next_id(model: Any) -> int:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


@contextmanager
def unchecked(models: Sequence[Any]) -> Iterator[None]:
    """On PostgreSQL, load without the tables' foreign keys and secondary indexes, then put
    them back exactly as they were: one join per key and one sort per index instead of a
    deferred check per row (each checked at commit) and an index update per row.

    SQLite checks its keys cheaply and gains little from this, so it is left as it is.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on these tables
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def reset_sequences(models: Sequence[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- the data -------------------------------------------------------------------------------


@dataclass
class Made:
    practice: Any
    practitioner: Any  # the one who signs in
    clients: int = 0
    sessions: int = 0
    checkins: int = 0
    states: dict[str, int] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)


def split(total: int, weights: Sequence[float]) -> list[int]:
    """total split in proportion to weights, exactly (largest remainders)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generate(
    *,
    clients: int,
    checkins: int,
    name: str = "Bench practice",
    email_prefix: str = "bench",
    now: dt.datetime | None = None,
    seed: int = 1,
    alert_share: float = 0.05,
    min_open_alerts: int = 3,
) -> Made:
    """One practice with `clients` clients and exactly `checkins` check-ins; see the top."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tend.alerts.models import Alert, AlertEvent
    from tend.care.models import Session
    from tend.checkins.models import CheckIn
    from tend.clients.models import Client
    from tend.practices.models import Practice, Practitioner

    global SQLITE
    SQLITE = connection.vendor == "sqlite"
    rng = random.Random(seed)
    now = now or timezone.now()
    when = Loader.when
    with transaction.atomic():
        practice = Practice.objects.create(name=name, created_at=now - dt.timedelta(days=DAYS))
        team = [
            Practitioner.objects.create_user(
                f"{email_prefix}{i or ''}@example.com",
                None,
                practice=practice,
                name=f"Practitioner {i}" if i else "Robin Bench",
                role="admin" if i == 0 else "member",
            )
            for i in range(4 if clients > SMALL_PRACTICE_CLIENTS else 1)
        ]
        me = team[0]
        for other in team[1:]:
            other.covered_by = me
            other.save(update_fields=["covered_by"])
        made = Made(practice=practice, practitioner=me)
        people = Client.objects.bulk_create(
            Client(
                practice=practice,
                # The signed-in practitioner holds about 70% of clients.
                practitioner=me if rng.random() < 0.7 else rng.choice(team[1:] or team),
                name=f"Client {i:05d}",
                email=f"client{i}@example.com",
                language="es" if i % 3 == 0 else "en",
                timezone=rng.choice(ZONES),
                created_at=now - dt.timedelta(days=DAYS + rng.uniform(1, 30)),
                invited_at=now - dt.timedelta(days=DAYS),
                last_signed_in_at=now - dt.timedelta(hours=rng.uniform(1, 24 * 30)),
                paused_until=now + dt.timedelta(days=2) if rng.random() < 0.02 else None,
                emails_stopped_at=now - dt.timedelta(days=9) if rng.random() < 0.02 else None,
            )
            for i in range(clients)
        )
        made.clients = len(people)

        with unchecked([Session, CheckIn]):  # on PostgreSQL, keys and indexes wait
            sessions = Loader(
                Session,
                (
                    "id",
                    "practice_id",
                    "client_id",
                    "practitioner_id",
                    "starts_at",
                    "modality",
                    "intensity",
                    "plan_hours",
                    "created_at",
                    "updated_at",
                ),
            )
            rows = Loader(
                CheckIn,
                (
                    "id",
                    "practice_id",
                    "client_id",
                    "session_id",
                    "state",
                    "sequence",
                    "due_at",
                    "sent_at",
                    "remind_at",
                    "reminded_at",
                    "closes_at",
                    "cancel_reason",
                    "answered_at",
                    "quick_answer",
                    "details_added_at",
                    "activation",
                    "sensations",
                    "emotions",
                    "slept",
                    "ate",
                    "drank",
                    "moved",
                    "wants_contact",
                    "safety_level",
                    "seen_by_id",
                    "seen_at",
                ),
            )
            session_id = next_id(Session)
            checkin_id = next_id(CheckIn)
            states: dict[str, int] = {}
            latest: dict[int, int] = {}  # client: their newest answered check-in
            last_session: dict[int, tuple[int, dt.datetime, str]] = {}
            start = now - dt.timedelta(days=DAYS)
            counts = split(checkins, [rng.uniform(0.5, 1.5) for _ in people])
            for person, budget in zip(people, counts, strict=True):
                # Sessions every two weeks or so, the last one within the past two weeks.
                starts: list[tuple[dt.datetime, str]] = []
                at = start + dt.timedelta(days=rng.uniform(0, SESSION_EVERY_DAYS))
                while at < now:
                    intensity = rng.choices(
                        [i for i, _ in INTENSITIES], [w for _, w in INTENSITIES]
                    )[0]
                    starts.append((at, intensity))
                    at += dt.timedelta(days=SESSION_EVERY_DAYS + rng.uniform(-3, 3))
                ids = list(range(session_id, session_id + len(starts)))
                session_id += len(starts)
                for sid, (at, intensity) in zip(ids, starts, strict=True):
                    sessions.add(
                        (
                            sid,
                            practice.pk,
                            person.pk,
                            person.practitioner_id,
                            when(at),
                            rng.choice(MODALITIES),
                            intensity,
                            json.dumps(PLAN_HOURS[intensity]),
                            when(at),
                            when(at),
                        )
                    )
                last_session[person.pk] = (ids[-1], starts[-1][0], starts[-1][1])
                # Each session's planned follow-up (the newest if the budget is short), then the
                # client's own check-ins at random times, under the session before them.
                planned = [
                    (at + dt.timedelta(hours=h), sid, seq)
                    for sid, (at, intensity) in zip(ids, starts, strict=True)
                    for seq, h in enumerate(PLAN_HOURS[intensity], start=1)
                ]
                planned = planned[max(0, len(planned) - budget) :]
                span = (now - dt.timedelta(hours=1) - starts[0][0]).total_seconds()
                own = sorted(
                    starts[0][0] + dt.timedelta(seconds=rng.uniform(0, span))
                    for _ in range(budget - len(planned))
                )
                items: list[tuple[dt.datetime, int, int]] = list(planned)
                k = 0
                for at in own:
                    while k + 1 < len(starts) and starts[k + 1][0] <= at:
                        k += 1
                    items.append((at, ids[k], 0))
                items.sort()
                usual = rng.uniform(1, 6)
                for at, sid, seq in items:
                    row, state = checkin_row(rng, at, seq, now, usual, person.practitioner_id)
                    states[state] = states.get(state, 0) + 1
                    rows.add((checkin_id, practice.pk, person.pk, sid, *row))
                    if state == "answered":
                        latest[person.pk] = checkin_id
                    checkin_id += 1
            sessions.flush()
            rows.flush()
        made.sessions, made.checkins, made.states = sessions.written, rows.written, states
        made.alerts = make_alerts(
            rng, practice, me, people, latest, last_session, now, alert_share, min_open_alerts
        )
        reset_sequences([Session, CheckIn, Alert, AlertEvent])
    return made


def checkin_row(
    rng: random.Random,
    at: dt.datetime,
    sequence: int,
    now: dt.datetime,
    usual: float,
    practitioner_id: int,
) -> tuple[tuple[Any, ...], str]:
    """The columns after session_id, and the state. `at` is due_at, or answered_at for own."""
    when = Loader.when
    hour = dt.timedelta(hours=1)
    due = at if sequence else None
    sent = remind = reminded = closes = None
    if sequence:
        sent, remind, closes = at, at + 20 * hour, at + 48 * hour
        if at > now:
            state = "scheduled"
            sent = remind = closes = None
        elif closes > now:
            state = "answered" if rng.random() < 0.5 else "sent"
        else:
            roll = rng.random()
            state = "answered" if roll < 0.85 else "missed" if roll < 0.95 else "cancelled"
        if state in ("sent", "missed") and remind <= now:
            reminded = remind
        if state == "cancelled":
            sent = remind = closes = None
    else:
        state = "answered"
    if state != "answered":
        return (
            state,
            sequence,
            when(due),
            when(sent),
            when(remind),
            when(reminded),
            when(closes),
            "superseded" if state == "cancelled" else "",
            None,
            "",
            None,
            None,
            "[]",
            "[]",
            "",
            "",
            "",
            "",
            None,
            "",
            None,
            None,
        ), state
    answered = at + dt.timedelta(minutes=rng.uniform(5, 600)) if sequence else at
    answered = min(answered, now - dt.timedelta(minutes=1))
    quick = rng.choice(QUICK) if rng.random() < 0.3 else ""
    detailed = not quick or rng.random() < 0.4
    activation = max(0, min(10, round(rng.gauss(usual, 1.5)))) if detailed else None
    age = now - answered
    seen = age > dt.timedelta(days=3) or rng.random() < 0.5
    seen_at = min(now, answered + dt.timedelta(hours=rng.uniform(1, 48))) if seen else None
    basics = ("yes", "yes", "yes", "no", "") if detailed else ("",)
    return (
        state,
        sequence,
        when(due),
        when(sent),
        when(remind),
        None,
        when(closes),
        "",
        when(answered),
        quick,
        when(answered) if detailed else None,
        activation,
        json.dumps(rng.sample(SENSATIONS, rng.randint(0, 2)) if detailed else []),
        json.dumps(rng.sample(EMOTIONS, rng.randint(0, 2)) if detailed else []),
        rng.choice(basics),
        rng.choice(basics),
        rng.choice(basics),
        rng.choice(basics),
        (rng.random() < 0.03) if detailed and rng.random() < 0.6 else None,
        "none" if detailed else "",
        practitioner_id if seen else None,
        when(seen_at),
    ), state


def make_alerts(
    rng: random.Random,
    practice: Any,
    me: Any,
    people: Sequence[Any],
    latest: dict[int, int],
    last_session: dict[int, tuple[int, dt.datetime, str]],
    now: dt.datetime,
    share: float,
    min_open: int,
) -> dict[str, int]:
    """Open alerts for ~share of clients, some acknowledged, a history of resolved ones."""
    from tend.alerts.models import Alert, AlertEvent
    from tend.checkins.models import CheckIn

    minute = dt.timedelta(minutes=1)
    alerts: list[Any] = []
    shuffled = list(people)
    rng.shuffle(shuffled)
    n_open = min(len(people), max(min_open, round(len(people) * share)))
    n_ack = min(len(people) - n_open, max(1, round(len(people) * share / 2)))
    for i, person in enumerate(shuffled):
        if i < n_open + n_ack:
            state = "open" if i < n_open else "acknowledged"
            kinds = rng.sample(ALERT_KINDS, 2 if rng.random() < 0.2 else 1)
            if i < len(ALERT_KINDS):  # every kind at least once
                kinds = [ALERT_KINDS[i], *[k for k in kinds if k != ALERT_KINDS[i]]][:2]
            for kind in kinds:
                opened = now - minute * rng.uniform(5, 60 * 72)
                alerts.append(alert(rng, practice, me, person, kind, state, opened, now))
        # A history: about one resolved alert per five clients over the two years.
        if rng.random() < 0.2:
            opened = now - dt.timedelta(days=rng.uniform(7, DAYS))
            kind = rng.choice(ALERT_KINDS)
            alerts.append(alert(rng, practice, me, person, kind, "resolved", opened, now))
    for a in alerts:
        if a.kind == "silence":
            sid, _, intensity = last_session[a.client_id]
            a.detail = {"session": sid, "hours": 60, "intensity": intensity}
        else:
            a.checkin_id = latest.get(a.client_id)
    created = Alert.objects.bulk_create(alerts)
    # The check-ins behind open alerts say what opened them, and nobody has seen them yet.
    for a in created:
        if a.checkin_id is None or a.state != "open":
            continue
        said: dict[str, Any] = {"seen_by": None, "seen_at": None}
        if a.kind == "contact":
            said |= {"wants_contact": True, "quick_answer": "reach_out"}
        elif a.kind == "safety":
            said |= {"safety_level": a.detail["level"]}
        elif a.kind == "activation":
            said |= {"activation": a.detail["activation"]}
        elif a.kind == "basics":
            said |= {"slept": "no", "ate": "no"}
        CheckIn.objects.filter(pk=a.checkin_id).update(**said)
    events = []
    for a in created:
        events.append(AlertEvent(practice=practice, alert=a, at=a.opened_at, action="opened"))
        events.append(
            AlertEvent(
                practice=practice,
                alert=a,
                at=a.opened_at,
                action="notified",
                practitioner=me,
                channel="email",
                key=f"alert:{a.pk}:0",
            )
        )
        if a.acknowledged_at:
            events.append(
                AlertEvent(
                    practice=practice,
                    alert=a,
                    at=a.acknowledged_at,
                    action="acknowledged",
                    practitioner=me,
                )
            )
        if a.resolved_at:
            events.append(
                AlertEvent(
                    practice=practice, alert=a, at=a.resolved_at, action="resolved", practitioner=me
                )
            )
    AlertEvent.objects.bulk_create(events)
    counts: dict[str, int] = {}
    for a in created:
        counts[a.state] = counts.get(a.state, 0) + 1
    return counts


def alert(
    rng: random.Random,
    practice: Any,
    me: Any,
    person: Any,
    kind: str,
    state: str,
    opened: dt.datetime,
    now: dt.datetime,
) -> Any:
    from tend.alerts.models import Alert

    urgent = kind == "safety" or (kind == "contact" and rng.random() < 0.5)
    wait = dt.timedelta(minutes=30) if urgent else dt.timedelta(hours=24)
    detail: dict[str, Any] = {
        "safety": {"level": "urgent" if urgent else "concern"},
        "contact": {},
        "activation": {"activation": rng.randint(8, 10), "usual": rng.randint(2, 5)},
        "basics": {"days": rng.randint(2, 4), "missing": rng.sample(["slept", "ate"], 1)},
        "silence": {},
        "unreachable": {"error": "550 No such mailbox"},
    }[kind]
    step = 0 if opened + wait > now or state != "open" else rng.randint(1, 2)
    a = Alert(
        practice=practice,
        client=person,
        kind=kind,
        level="urgent" if urgent else "normal",
        state=state,
        detail=detail,
        opened_at=opened,
        responsible=me,
        step=step,
        escalate_at=opened + wait * (step + 1) if state == "open" else None,
    )
    if state in ("acknowledged", "resolved"):
        a.acknowledged_by = me
        a.acknowledged_at = opened + dt.timedelta(minutes=rng.uniform(2, 120))
    if state == "resolved":
        a.resolved_by = me
        a.resolved_at = a.acknowledged_at + dt.timedelta(hours=rng.uniform(1, 72))
    return a


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


# --- the page and its queries ---------------------------------------------------------------


def session_cookie(practitioner: Any) -> str:
    """A signed-in session for practitioner, stored in the database the server reads."""
    from django.conf import settings
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(practitioner)
    return f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"


def find_page(practitioner: Any) -> tuple[str, str]:
    """(path, note): "/" when it renders for a practitioner; else where it redirects."""
    from django.test import Client as HttpClient
    from django.urls import reverse

    http = HttpClient()
    http.force_login(practitioner)
    home = reverse("home")
    response = http.get(home)
    if response.status_code == 200:
        return home, ""
    if response.status_code in (301, 302, 303, 307, 308):
        target = urllib.parse.urlsplit(response["Location"])
        if not target.netloc and http.get(target.path).status_code == 200:
            note = f"{home} redirects to {target.path} (no triage page yet): measured that"
            return target.path, note
    fallback = reverse("clients:list")
    return fallback, f"{home} answered {response.status_code}: measured {fallback}"


def count_queries(practitioner: Any, path: str, explain: bool, label: str) -> int:
    """The queries of one request to path, in-process; with explain, where its time goes."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    http = HttpClient()
    http.force_login(practitioner)
    http.get(path)  # warm: whatever is cached per process is cached now
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    logged = [q["sql"] for q in captured.captured_queries]  # before any request resets it
    if explain:
        profile(http, path, logged, label)
    return len(logged)


def profile(http: Any, path: str, logged: list[str], label: str, runs: int = 21) -> None:
    """On stderr: the page's median time in-process, each query's median, the worst plans."""
    from django.db import connection

    current: list[float] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            current.append(time.perf_counter() - started)

    totals, per_query = [], []
    for _ in range(runs):
        current = []
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            http.get(path)
            totals.append(time.perf_counter() - started)
        per_query.append(current)
    same = [q for q in per_query if len(q) == len(logged)]
    medians = [sorted(q[i] for q in same)[len(same) // 2] * 1000 for i in range(len(logged))]
    err = sys.stderr
    print(
        f"\n== {label}: {len(logged)} queries; median of {runs} in-process requests: "
        f"{p(totals, 50):.1f} ms, of which SQL {sum(medians):.1f} ms",
        file=err,
    )
    ranked = sorted(zip(medians, logged, strict=True), reverse=True)
    for ms, sql in ranked:
        print(f"{ms:8.2f} ms  {sql[:400]}", file=err)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for ms, sql in ranked[:3]:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- plan of the {ms:.2f} ms query:", file=err)
        with connection.cursor() as cursor:
            try:
                cursor.execute(prefix + sql)
            except Exception as error:
                print(f"   (could not explain: {error})", file=err)
                continue
            for row in cursor.fetchall():
                print("   " + " | ".join(str(c) for c in row), file=err)


# --- the server and the timing --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str], tmp: str) -> Iterator[int]:
    port = free_port()
    log = Path(tmp) / "server.log"
    command = [sys.executable, "-m", "tend.cli", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start within 60 s") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str, cookie: str) -> tuple[float, int]:
    """One GET on a new connection, read fully: (seconds, body bytes).

    Not keep-alive: runserver writes a response's head and body separately, and on a reused
    connection Nagle's algorithm and delayed ACKs add about 40 ms to every request.
    """
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status} from the server")
    return seconds, len(body)


def p(samples: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), in ms."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


def time_pages(
    port: int, page: str, trivial: str, cookie: str, requests: int, warmup: int
) -> dict[str, Any]:
    for _ in range(warmup):
        get(port, page, cookie)
        get(port, trivial, cookie)
    samples: dict[str, list[float]] = {page: [], trivial: []}
    sizes: dict[str, int] = {}
    for i in range(requests):
        # ABBA order, so that neither page always follows the other.
        for path in (page, trivial) if i % 2 == 0 else (trivial, page):
            seconds, sizes[path] = get(port, path, cookie)
            samples[path].append(seconds)
    return {
        "p95_ms": round(p(samples[page], 95), 2),
        "trivial_p95_ms": round(p(samples[trivial], 95), 2),
        "ratio": round(p(samples[page], 95) / p(samples[trivial], 95), 2),
        "p50_ms": round(p(samples[page], 50), 2),
        "trivial_p50_ms": round(p(samples[trivial], 50), 2),
        "requests": requests,
        "page_kb": round(sizes[page] / 1024, 1),
        "trivial_kb": round(sizes[trivial] / 1024, 1),
    }


# --- the run --------------------------------------------------------------------------------


def measure(
    clients: int,
    checkins: int,
    requests: int = 200,
    explain: bool = False,
    keep: bool = False,
    trivial: str = "",
) -> dict[str, Any]:
    with fresh_database(keep) as (url, tmp):
        env = {
            **os.environ,
            "TEND_DATABASE_URL": url,
            "TEND_DATA_DIR": tmp,
            "TEND_DEBUG": "0",
            "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "TEND_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "TEND_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "TEND_LOG_LEVEL": "WARNING",
        }
        (Path(tmp) / "static_root").mkdir()  # whitenoise warns when it is missing
        setup_django(env)
        from django.db import connection, connections
        from django.urls import reverse
        from django.utils import timezone

        now = timezone.now()
        started = time.perf_counter()
        big = generate(clients=clients, checkins=checkins, now=now)
        per_client = checkins // max(clients, 1)
        small = generate(
            clients=SMALL_PRACTICE_CLIENTS,
            checkins=per_client * SMALL_PRACTICE_CLIENTS,
            name="Small bench practice",
            email_prefix="small",
            now=now,
            seed=2,
        )
        analyze()
        generate_seconds = time.perf_counter() - started
        print(
            f"triage: {connection.vendor}: {big.clients} clients, {big.sessions} sessions, "
            f"{big.checkins} check-ins {big.states}, alerts {big.alerts} "
            f"(+ {small.clients} clients, {small.checkins} check-ins in a second practice) "
            f"in {generate_seconds:.1f} s",
            file=sys.stderr,
        )

        page, note = find_page(big.practitioner)
        queries = count_queries(big.practitioner, page, explain, f"{page}, {clients} clients")
        queries_small = count_queries(
            small.practitioner, page, explain, f"{page}, {SMALL_PRACTICE_CLIENTS} clients"
        )
        cookie = session_cookie(big.practitioner)
        trivial = trivial or reverse("care:plans")
        connections.close_all()
        with server(env, tmp) as port:
            warmup = max(10, requests // 10)
            timings = time_pages(port, page, trivial, cookie, requests, warmup)
        connections.close_all()
    result: dict[str, Any] = {
        "bench": "triage",
        "database": connection.vendor,
        "clients": big.clients,
        "checkins": big.checkins,
        "page": page,
        "trivial": trivial,
        **timings,
        "queries": queries,
        "queries_10_clients": queries_small,
        "generate_seconds": round(generate_seconds, 1),
    }
    if note:
        result["note"] = note
    return result


def main(
    clients: int,
    checkins: int,
    requests: int = 200,
    explain: bool = False,
    keep: bool = False,
    trivial: str = "",
) -> None:
    result = measure(clients, checkins, requests, explain, keep, trivial)
    print(json.dumps(result), flush=True)
