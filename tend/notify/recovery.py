"""Settling what a worker that died left on its SMTP line.

The keeper (keeper.py) still holds the line, with the dead worker's last note: the message
in flight (its check-in, whether a reminder, its delivery key, when its row was marked
sent), the byte at which its final dot ends, and how many bytes had come back before the
server's answer. The kernel's counters on the line (wire.py) then say what happened:

- fewer bytes written than the note's end: the dot never left, and the server drops the
  message as the line closes. The row, if its worker never recorded it, is due again now;
- more: the worker went on to other things after this message, so it had settled it;
- exactly the end: the dot was the last thing written, so the server has the message.
  Its answer decides, as it would have for the worker: read off the line (over a plain
  connection it is left there until acted on), or, over TLS, where it can't be read
  without the dead worker's keys, taken to be "250". The record made before the dot
  stands, or is made now, or is undone.

So a worker killed at any point sends each message once: the server is never sent a
message twice for want of knowing it had it.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.notify import dispatch, keeper, wire
from tend.notify.keeper import Link, Orphan
from tend.notify.models import Delivery

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 30.0


def identity() -> str:
    """The database these workers share (one keeper each)."""
    db = connection.settings_dict
    return ":".join(str(db.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))


class Cover:
    """A worker's link to the line keeper: reached as it starts and, if the keeper is lost,
    sought again at most once a minute (meanwhile the worker sends without its cover)."""

    RETRY_SECONDS = 60.0

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.link: Link | None = None
        self.next_try = 0.0

    def current(self) -> Link | None:
        if not settings.DISPATCH_KEEPER:
            return None
        if (self.link is None or not self.link.alive) and time.monotonic() >= self.next_try:
            self.next_try = time.monotonic() + self.RETRY_SECONDS
            self.link = Link.reach(keeper.address_for(identity()), self.worker)
        return self.link if self.link is not None and self.link.alive else None

    def recover(self) -> int:
        link = self.current()
        return recover(link) if link is not None else 0

    def close(self) -> None:
        if self.link is not None:
            self.link.close()


def recover(link: Link) -> int:
    """Settle every line left by a worker that died. Returns how many there were."""
    orphans = link.orphans()
    for orphan in orphans:
        try:
            found = settle(orphan)
            log.warning(
                "worker %s died mid-message (check-in %s): %s",
                orphan.worker,
                orphan.note.get("checkin"),
                found,
            )
        except Exception:
            # Then its row goes again when its lease runs out, as with no keeper at all.
            log.exception("could not settle a line left by %s", orphan.worker)
        finally:
            orphan.sock.close()
            link.settled(orphan.key)
    return len(orphans)


def settle(orphan: Orphan) -> str:
    """Judge one line and act for the worker that left it. Returns what was found."""
    note = orphan.note
    counts = wire.counts(orphan.sock)
    if counts is None:
        return "no way to tell; it goes again when its lease ends"
    pk, reminder, dead = int(note["checkin"]), bool(note["reminder"]), orphan.worker
    end = int(note["end"])
    marked_at = _when(note.get("marked_at"))
    if counts.written > end:
        return "it had settled it"
    if counts.written < end:
        dispatch.release([pk], dead)  # unrecorded (the dot comes before the record's commit)
        return "its end never left; due again"
    answer = _answer(orphan.sock, note, counts)
    if answer == ACTED_ON:
        if _recorded(pk, reminder, marked_at):
            _delivered(note["key"], marked_at)
        return "it had acted on the answer"
    if answer is None:
        # The line dropped before the server answered: the message may or may not be
        # there. As when the worker sees that itself: it goes again, never lost.
        _not_taken(pk, dead, reminder, marked_at)
        return "no answer; it goes again"
    if answer == 250:
        if _recorded(pk, reminder, marked_at) or _record(pk, dead, reminder):
            _delivered(note["key"], marked_at)
        return "the server took it; recorded"
    if 400 <= answer < 500:
        _not_taken(pk, dead, reminder, marked_at)
        return "the server said not now; it goes again later"
    Delivery.objects.filter(key=note["key"]).update(
        state=Delivery.State.FAILED, error="SMTPDataError"
    )
    if not _recorded(pk, reminder, marked_at):
        _record(pk, dead, reminder)  # failed, but the client still has it in the app
    return "the server refused it"


ACTED_ON = -1


def _answer(sock: socket.socket, note: dict[str, Any], counts: wire.Counts) -> int | None:
    """The server's answer to the end: its code; ACTED_ON if the worker had read it, which
    it does only once it has acted on it; 250 when it can't be read (TLS); None if the line
    closed without one."""
    if note.get("tls"):
        return 250
    if counts.unread == 0 and counts.received > int(note["received"]):
        return ACTED_ON
    sock.settimeout(ANSWER_TIMEOUT)
    try:
        code, _text, _size = dispatch._peek_answer(sock)
    except OSError:
        return None
    return code


def _recorded(pk: int, reminder: bool, marked_at: dt.datetime | None) -> bool:
    """Does the record the worker made of this message, just before its end, stand?"""
    if marked_at is None:
        return False
    rows = CheckIn.objects.filter(pk=pk)
    if reminder:
        return rows.filter(reminded_at=marked_at).exists()
    return rows.filter(state__in=(State.SENT, State.ANSWERED), sent_at=marked_at).exists()


def _record(pk: int, dead: str, reminder: bool) -> bool:
    """Make the record the worker died before committing, if the row is still its own."""
    return dispatch._mark(pk, dead, timezone.now(), reminder=reminder)


def _delivered(key: str, at: dt.datetime | None) -> None:
    Delivery.objects.filter(key=key, state=Delivery.State.SENDING).update(
        state=Delivery.State.SENT, sent_at=at or timezone.now()
    )


def _not_taken(pk: int, dead: str, reminder: bool, marked_at: dt.datetime | None) -> None:
    wait = dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS)
    if marked_at is not None and _recorded(pk, reminder, marked_at):
        dispatch._unmark(pk, marked_at, reminder, wait)
    else:
        dispatch.release([pk], dead, wait)


def _when(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
