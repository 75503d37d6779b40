"""`tend backup PATH`: a consistent copy of Tend's database, taken while Tend runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from tend.backups import copies


class Command(BaseCommand):
    help = (
        "Write a consistent copy of Tend's database to PATH while Tend runs (SQLite's online "
        "backup; pg_dump on PostgreSQL). Restore it with `tend restore PATH`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file to write (replaced once the copy is whole)")

    def handle(self, *args: Any, **options: Any) -> None:
        db = connections["default"].settings_dict
        path = Path(options["path"]).expanduser()
        try:
            copies.backup(db, path)
        except copies.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {copies.describe(db)} to {path} ({size(path)}).")
        )
        self.stdout.write(
            "Sensitive text in it stays encrypted: without TEND_ENCRYPTION_KEYS it can't be "
            "read, so keep the keys safe and apart from your backups."
        )


def size(path: Path) -> str:
    count = float(path.stat().st_size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError  # unreachable
