"""`tend backup` and `tend restore`, run as a person runs them: real commands in their own
processes, on a SQLite file and on a real PostgreSQL server with real pg_dump/pg_restore."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
TEND = Path(sys.executable).parent / "tend"
NOTE = "She spoke of her father's garden, the first time in years."

pytestmark = pytest.mark.slow

# Creates a practice, reads it back (decrypting every note), or changes it, in a process of
# its own on whatever database TEND_DATABASE_URL names; prints what the practice holds.
PRACTICE = """
import json, sys
import django
django.setup()
from tend.care.models import Session
from tend.clients.models import Client
from tend.practices.models import Practice, Practitioner
from tests import factories

if sys.argv[1] == "create":
    alice = factories.PractitionerFactory(
        name="Alice Moreno", email="alice@example.com", practice__name="Riverside"
    )
    carmen = factories.ClientFactory(practitioner=alice, name="Carmen López", language="es")
    factories.SessionFactory(client=carmen, private_note=sys.argv[2], client_note="Rest tonight.")
elif sys.argv[1] == "change":
    Client.objects.filter(name="Carmen López").delete()
    Practice.objects.update(name="Renamed")
    factories.ClientFactory(practitioner=Practitioner.objects.get(), name="Someone New")
print(json.dumps({
    "practices": sorted(Practice.objects.values_list("name", flat=True)),
    "practitioners": sorted(Practitioner.objects.values_list("email", flat=True)),
    "clients": sorted(Client.objects.values_list("name", flat=True)),
    "notes": sorted((s.private_note, s.client_note) for s in Session.objects.all()),
}))
"""


def environment(database_url: str, data_dir: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    env.update(
        TEND_DATABASE_URL=database_url,
        TEND_DATA_DIR=str(data_dir),
        TEND_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DJANGO_SETTINGS_MODULE="tend.settings",
        **more,
    )
    return env


def tend(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [str(TEND), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def practice(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRACTICE, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def refused(done: subprocess.CompletedProcess[str]) -> str:
    """A clear sentence, no traceback, and a failing status."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr


def round_trip(env: dict[str, str], backup: Path) -> None:
    ok(tend(env, "migrate", "--no-input", "-v", "0"))
    before = practice(env, "create", NOTE)
    assert before["clients"] == ["Carmen López"]
    assert before["notes"] == [[NOTE, "Rest tonight."]]

    said = ok(tend(env, "backup", str(backup)))
    assert f"to {backup}" in said
    assert "TEND_ENCRYPTION_KEYS" in said

    changed = practice(env, "change")
    assert changed["clients"] == ["Someone New"] and changed["practices"] == ["Renamed"]

    # Without --yes: it says what it would replace, and changes nothing.
    warning = refused(tend(env, "restore", str(backup)))
    assert "replaces everything in" in warning and "1 practice and 1 client" in warning
    assert "--yes" in warning
    assert practice(env, "read") == changed

    ok(tend(env, "restore", str(backup), "--yes"))
    assert practice(env, "read") == before  # everything back, every note decrypted


def test_a_practice_comes_back_whole_from_a_sqlite_backup(tmp_path: Path) -> None:
    env = environment(f"sqlite:///{tmp_path / 'tend.sqlite3'}", tmp_path)
    backup = tmp_path / "backups" / "tend-monday.sqlite3"
    backup.parent.mkdir()
    round_trip(env, backup)
    # The notes in the backup are ciphertext: useless without the keys.
    assert b"father's garden" not in backup.read_bytes()
    assert b"Rest tonight" not in backup.read_bytes()
    assert not list(backup.parent.glob(".*partial"))


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own on the PostgreSQL server the suite may use, dropped after."""
    given = os.environ.get("TEND_DATABASE_URL", "")
    base = given if given.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"
    db = dj_database_url.parse(base)
    try:
        with socket.create_connection((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)), 2):
            pass
    except OSError:
        pytest.skip("no PostgreSQL server to back up")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    name = f"tend_backups_{os.getpid()}"
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield base.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_practice_comes_back_whole_from_a_postgresql_backup(
    tmp_path: Path, postgres_url: str
) -> None:
    env = environment(postgres_url, tmp_path)
    backup = tmp_path / "tend.dump"
    round_trip(env, backup)
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format


def test_a_backup_taken_while_a_writer_writes_is_one_moments_database(tmp_path: Path) -> None:
    """A worker commits all the time; each backup is still whole, and holds only whole
    transactions (each adds +100 and -100 to a ledger: the sum stays 0, the count even)."""
    live = tmp_path / "tend.sqlite3"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WRITER, str(live)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        env = environment(f"sqlite:///{live}", tmp_path)
        seen = []
        for n in range(3):
            copy = tmp_path / f"copy-{n}.sqlite3"
            ok(tend(env, "backup", str(copy)))
            with sqlite3.connect(copy) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                count, total = db.execute("SELECT count(*), total(amount) FROM ledger").fetchone()
                assert count % 2 == 0 and total == 0
                seen.append(count)
            db.close()
        assert writer.poll() is None, "the writer kept writing throughout"
        assert 0 < seen[0] < seen[1] < seen[2], seen
    finally:
        writer.terminate()
        writer.wait(10)


WRITER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=20, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)")
db.execute("CREATE TABLE ballast (data BLOB)")
db.execute("BEGIN")
for _ in range(200):
    db.execute("INSERT INTO ballast VALUES (randomblob(100000))")  # 20 MB to copy
db.execute("INSERT INTO ledger (amount) VALUES (100), (-100)")
db.execute("COMMIT")
print("ready", flush=True)
while True:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO ledger (amount) VALUES (100)")
    db.execute("UPDATE ballast SET data = randomblob(100000) WHERE rowid = abs(random()) % 200 + 1")
    db.execute("INSERT INTO ledger (amount) VALUES (-100)")
    db.execute("COMMIT")
"""


def test_restore_says_plainly_what_is_wrong_with_the_file(tmp_path: Path) -> None:
    sqlite_env = environment(f"sqlite:///{tmp_path / 'tend.sqlite3'}", tmp_path)
    postgres_env = environment("postgres://postgres@127.0.0.1:5432/tend_nobody", tmp_path)
    missing = tmp_path / "no-such-backup"
    assert f"There is no backup at {missing}" in refused(tend(sqlite_env, "restore", str(missing)))

    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    assert "is not a backup made by `tend backup`" in refused(
        tend(sqlite_env, "restore", str(notes), "--yes")
    )

    sqlite_backup = tmp_path / "tend.sqlite3.bak"
    with sqlite3.connect(sqlite_backup) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER)")
    db.close()
    said = refused(tend(postgres_env, "restore", str(sqlite_backup), "--yes"))
    assert "is a backup of a SQLite database, and this Tend uses PostgreSQL" in said

    lost = environment(f"sqlite:///{tmp_path / 'no-such-folder' / 'tend.sqlite3'}", tmp_path)
    said = refused(tend(lost, "restore", str(sqlite_backup), "--yes"))
    assert "Nothing was restored: SQLite said: unable to open database file" in said

    dump = tmp_path / "tend.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    said = refused(tend(sqlite_env, "restore", str(dump), "--yes"))
    assert "is a backup of a PostgreSQL database, and this Tend uses SQLite" in said

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE recipes (id INTEGER)")
    db.close()
    assert "not one of Tend's" in refused(tend(sqlite_env, "restore", str(other), "--yes"))


def test_backup_says_plainly_when_it_cannot_be_made(tmp_path: Path) -> None:
    env = environment(f"sqlite:///{tmp_path / 'tend.sqlite3'}", tmp_path)
    nowhere = tmp_path / "no-folder" / "tend.sqlite3"
    assert f"There is no folder {nowhere.parent}" in refused(tend(env, "backup", str(nowhere)))
    assert "is a folder" in refused(tend(env, "backup", str(tmp_path)))

    # A PostgreSQL database, on a machine without PostgreSQL's client tools.
    bare = environment(
        "postgres://postgres@127.0.0.1:5432/tend_nobody", tmp_path, PATH=str(TEND.parent)
    )
    said = refused(tend(bare, "backup", str(tmp_path / "tend.dump")))
    assert "pg_dump is not installed here" in said and "postgresql-client" in said
    assert not (tmp_path / "tend.dump").exists()


def test_a_failed_pg_dump_says_why_and_leaves_no_file(tmp_path: Path) -> None:
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    env = environment(f"postgres://postgres@127.0.0.1:5432/tend_nobody_{time.time_ns()}", tmp_path)
    said = refused(tend(env, "backup", str(tmp_path / "tend.dump")))
    assert "The backup could not be made: pg_dump said:" in said
    assert not list(tmp_path.glob("*tend.dump*"))
