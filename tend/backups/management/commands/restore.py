"""`tend restore PATH --yes`: bring back a backup made by `tend backup`, replacing everything
in Tend's database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from tend.backups import copies
from tend.backups.management.commands.backup import size
from tend.clients.models import Client
from tend.practices.models import Practice


class Command(BaseCommand):
    help = (
        "Replace everything in Tend's database with a backup made by `tend backup` "
        "(asks for --yes first)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a file written by `tend backup`")
        parser.add_argument(
            "--yes", action="store_true", help="go ahead: replace what the database holds now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        db = connections["default"].settings_dict
        path = Path(options["path"]).expanduser()
        try:
            copies.check_restorable(db, path)
        except copies.BackupError as exc:
            raise CommandError(str(exc)) from None
        made = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        backup = f"the backup at {path} ({size(path)}, written {made:%Y-%m-%d %H:%M} UTC)"
        if not options["yes"]:
            raise CommandError(
                f"This replaces everything in {copies.describe(db)}{held_now()} with {backup}. "
                "Nothing was changed: run again with --yes to go ahead."
            )
        connections.close_all()  # this command's own connection holds nothing open
        try:
            copies.restore(db, path)
        except copies.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {backup} into {copies.describe(db)}."))
        self.stdout.write(
            "If the backup comes from an older version of Tend, run `tend migrate` (or "
            "restart `tend serve`, which migrates as it starts)."
        )


def held_now() -> str:
    """What the database holds now, in a few words (nothing if it holds no Tend yet)."""
    try:
        practices, clients = Practice.objects.count(), Client.objects.count()
    except DatabaseError:
        return ""
    finally:
        connections.close_all()
    return f" (now {plural(practices, 'practice')} and {plural(clients, 'client')})"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
