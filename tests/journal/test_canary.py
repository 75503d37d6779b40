"""A journal entry's words never reach the database file, a dump of it, or the logs."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tend.journal.models import Entry
from tests.conftest import signed_in_as

CANARY = "Canary-7f3a quiet yellow kite over the harbour"


def stored_bytes() -> bytes:
    """Everything the database holds, as it lies on disk (SQLite: the file and its WAL) or as
    `pg_dump` writes it out."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(db["NAME"])
        files = [name, Path(f"{name}-wal")]
        assert name.exists()
        return b"".join(path.read_bytes() for path in files if path.exists())
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], db["NAME"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    return subprocess.run(command, env=env, capture_output=True, check=True).stdout  # noqa: S603


@pytest.mark.django_db(transaction=True)
def test_a_journal_entry_is_absent_from_the_database_and_the_logs(
    dana: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    http = signed_in_as(dana)  # type: ignore[arg-type]

    http.post("/c/journal/write/", {"text": CANARY, "share": "on"})
    http.post("/c/journal/write/", {"ripple-text": CANARY + " ripple"})
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")

    assert [e.text for e in Entry.objects.order_by("pk")] == [CANARY, CANARY + " ripple"]
    data = stored_bytes()
    assert len(data) > 10_000  # the real thing, not an empty file
    assert b"Canary-7f3a" not in data
    assert "Canary-7f3a" not in caplog.text
