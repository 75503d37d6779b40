"""What became of each message, written the moment it is known (see models.Delivery).

Each call is one statement on the delivery's row, so a worker killed at any moment leaves
the row saying what had happened up to then.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection
from django.utils import timezone

from tend.lib import statements
from tend.notify.models import Delivery
from tend.notify.sender import Trouble

log = logging.getLogger(__name__)
State = Delivery.State


def sending(key: str) -> None:
    """Handed to the server: until its answer is recorded, the outcome is unknown."""
    c = statements.names(Delivery, connection.vendor)
    statements.run(
        f"UPDATE {c['table']} SET {c['state']} = %s, {c['attempts']} = {c['attempts']} + 1 "  # noqa: S608
        f"WHERE {c['key']} = %s AND {c['state']} <> %s",
        [State.SENDING, key, State.SENT],
    )


def sent(key: str, at: dt.datetime | None = None) -> None:
    """The server answered 250. The message itself is kept only until it has gone."""
    c = statements.names(Delivery, connection.vendor)
    when = statements.value(Delivery, "sent_at", at or timezone.now())
    statements.run(
        f"UPDATE {c['table']} SET {c['state']} = %s, {c['sent_at']} = %s, {c['error']} = '', "  # noqa: S608
        f"{c['trouble_since']} = NULL, {c['message']} = '', {c['lease_owner']} = '', "
        f"{c['lease_until']} = NULL WHERE {c['key']} = %s",
        [State.SENT, when, key],
    )


def not_yet(key: str, trouble: Trouble, retry_at: dt.datetime | None = None) -> None:
    """Not taken this time ("not now", or no server): queued again, with the reason."""
    now = timezone.now()
    rows = Delivery.objects.filter(key=key).exclude(state=State.SENT)
    rows.filter(trouble_since__isnull=True).update(trouble_since=now)
    changes: dict[str, object] = {"state": State.QUEUED, "error": str(trouble)[:200]}
    if retry_at is not None:
        changes.update(due_at=retry_at, lease_owner="", lease_until=None)
    rows.update(**changes)
    if trouble.code:
        log.warning("email %s not taken: %s", key, trouble)


def failed(key: str, trouble: Trouble) -> None:
    """Refused for good: the practitioner hears of it (an alert opens for a client)."""
    Delivery.objects.filter(key=key).exclude(state=State.SENT).update(
        state=State.FAILED,
        error=str(trouble)[:200],
        failed_at=timezone.now(),
        due_at=None,
        lease_owner="",
        lease_until=None,
    )
    log.warning("email %s refused: %s", key, trouble)
