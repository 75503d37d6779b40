"""A consistent copy of Tend's database, taken while Tend runs, and bringing one back.

SQLite: the online backup API, in one step, so the copy is the database as it stood at one
moment even while a worker writes (WAL lets the writer go on meanwhile). PostgreSQL:
`pg_dump --format=custom` (one snapshot) and `pg_restore --clean --if-exists` in a single
transaction, so a restore that fails changes nothing. The password goes to them in
PGPASSWORD, never on a command line that `ps` would show.

A backup holds sensitive text still encrypted: it is of no use without TEND_ENCRYPTION_KEYS.
Every failure a person can fix is a BackupError with a plain sentence.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Literal

Kind = Literal["sqlite", "postgresql"]
MAGIC: dict[Kind, bytes] = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
NAMES: dict[Kind, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CLIENT_TOOLS = (
    "Backups of a PostgreSQL database need PostgreSQL's client tools (pg_dump, pg_restore), "
    "as new as the server: on Debian or Ubuntu, `apt-get install postgresql-client`."
)


class BackupError(Exception):
    """Something a person can put right, said plainly."""


def kind_of_database(db: dict[str, Any]) -> Kind:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Tend can back up SQLite and PostgreSQL databases, not {engine}.")


def kind_of_file(path: Path) -> Kind | None:
    """What made the file at `path`: "sqlite", "postgresql" (pg_dump's custom format) or
    None for anything else."""
    with path.open("rb") as file:
        head = file.read(16)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def describe(db: dict[str, Any]) -> str:
    """The database in words: "the SQLite database at /var/lib/tend/tend.sqlite3"."""
    if kind_of_database(db) == "sqlite":
        return f"the SQLite database at {db['NAME']}"
    where = db.get("HOST") or "this machine"
    if db.get("PORT"):
        where = f"{where}:{db['PORT']}"
    return f"the PostgreSQL database {db['NAME']} on {where}"


def backup(db: dict[str, Any], path: Path) -> None:
    """Write a consistent copy of `db` to `path` (replacing a file there only once the copy
    is whole: a failed backup never leaves half a file under the name)."""
    if path.is_dir():
        raise BackupError(f"{path} is a folder: name the file the backup should go to.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with plainly("The backup could not be made"):
            if kind_of_database(db) == "sqlite":
                _sqlite_backup(Path(db["NAME"]), partial)
            else:
                _pg_dump(db, partial)
            os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def check_restorable(db: dict[str, Any], path: Path) -> None:
    """Raise a BackupError if the file at `path` can't be restored into `db`."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder, not a backup.")
    with plainly("That backup can't be read"):
        mine, theirs = kind_of_database(db), kind_of_file(path)
    if theirs is None:
        raise BackupError(f"{path} is not a backup made by `tend backup`.")
    if theirs != mine:
        raise BackupError(
            f"{path} is a backup of a {NAMES[theirs]} database, and this Tend uses "
            f"{NAMES[mine]}: a backup goes back into the kind of database it came from."
        )
    if mine == "sqlite":
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            try:
                ok = copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
                tend = copy.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
                ).fetchone()
            except sqlite3.DatabaseError:
                ok = False
            if not ok:
                raise BackupError(f"{path} is damaged: SQLite can't read it whole.")
            if not tend:
                raise BackupError(f"{path} is a SQLite database, but not one of Tend's.")


def restore(db: dict[str, Any], path: Path) -> None:
    """Replace everything in `db` with the backup at `path`."""
    check_restorable(db, path)
    with plainly("Nothing was restored"):
        if kind_of_database(db) == "sqlite":
            _sqlite_restore(path, Path(db["NAME"]))
        else:
            _pg_restore(db, path)


@contextlib.contextmanager
def plainly(what: str) -> Iterator[None]:
    """A file that can't be written or a database SQLite can't open, said in a sentence."""
    try:
        yield
    except OSError as exc:
        raise BackupError(f"{what}: {exc.strerror} ({exc.filename}).") from None
    except sqlite3.Error as exc:
        raise BackupError(f"{what}: SQLite said: {exc}.") from None


def _sqlite_backup(source: Path, partial: Path) -> None:
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up.")
    partial.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(source, timeout=20)) as live,
        closing(sqlite3.connect(partial)) as copy,
    ):
        live.backup(copy)  # all pages in one step: one moment's database
        # One self-contained file, whatever the live database's journal mode.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The copy did not read back whole; nothing was written.")


def _sqlite_restore(path: Path, target: Path) -> None:
    with (
        closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy,
        closing(sqlite3.connect(target, timeout=20)) as live,
    ):
        copy.backup(live)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq's own variables for the connection Django uses."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed here. {CLIENT_TOOLS}")
    return found


def _run(argv: list[str], db: dict[str, Any], what: str) -> None:
    done = subprocess.run(  # noqa: S603 (a fixed program; no shell)
        argv, env=_pg_env(db), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        said = done.stderr.strip() or f"it exited with status {done.returncode}"
        raise BackupError(f"{what}: {Path(argv[0]).name} said: {said}")


def _pg_dump(db: dict[str, Any], partial: Path) -> None:
    argv = [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"]
    _run([*argv, f"--dbname={db['NAME']}"], db, "The backup could not be made")


def _pg_restore(db: dict[str, Any], path: Path) -> None:
    argv = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--single-transaction",  # all or nothing
        "--no-owner",
        "--no-privileges",
        "--no-password",
        f"--dbname={db['NAME']}",
        str(path),
    ]
    _run(argv, db, "Nothing was restored")
