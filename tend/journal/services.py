"""Writing, sharing and un-sharing journal entries, and a practitioner seeing one.

Every entry is read by the safety screen as it is written. Only a shared entry reaches
anyone: sharing one with words that may mean danger opens an alert (signals.shared).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tend.clients.models import Client
from tend.integration.models import Exercise
from tend.journal import signals
from tend.journal.models import Entry, EntryKind
from tend.practices.models import Practitioner
from tend.safety.screening import screen

MAX_CHARS = 20_000


def write(
    client: Client,
    text: str,
    *,
    kind: str = EntryKind.FREE,
    prompt: str = "",
    exercise: Exercise | None = None,
    share: bool = False,
) -> Entry:
    with transaction.atomic():
        entry = Entry.objects.create(
            practice_id=client.practice_id,
            client=client,
            kind=kind,
            prompt=prompt,
            exercise=exercise,
            text=text.strip(),
            safety_level=screen(text, client.language).level,
        )
        if share:
            share_entry(entry)
    return entry


def share_entry(entry: Entry, at: dt.datetime | None = None) -> None:
    if entry.shared_at is not None:
        return
    with transaction.atomic():
        entry.shared_at = at or timezone.now()
        Entry.objects.filter(pk=entry.pk).update(shared_at=entry.shared_at)
        signals.shared.send(sender=Entry, entry=entry)


def unshare_entry(entry: Entry) -> None:
    """Taken back: the practitioner no longer sees it, and "seen" starts again if it is
    shared again."""
    Entry.objects.filter(pk=entry.pk).update(shared_at=None, seen_by=None, seen_at=None)
    entry.shared_at = entry.seen_by = entry.seen_at = None


def mark_seen(entry: Entry, practitioner: Practitioner, at: dt.datetime | None = None) -> None:
    """The first look at a shared entry is the one the client sees."""
    at = at or timezone.now()
    updated = Entry.objects.filter(
        pk=entry.pk, shared_at__isnull=False, seen_at__isnull=True
    ).update(seen_by=practitioner, seen_at=at)
    if updated:
        entry.seen_by, entry.seen_at = practitioner, at
