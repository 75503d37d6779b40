"""What became of each message, written the moment it is known (see models.Delivery).

Each call is one statement on the delivery's row, so a worker killed at any moment leaves
the row saying what had happened up to then.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tend.notify.models import Delivery
from tend.notify.sender import Trouble

log = logging.getLogger(__name__)
State = Delivery.State


def sending(key: str) -> None:
    """Handed to the server: until its answer is recorded, the outcome is unknown."""
    Delivery.objects.filter(key=key).exclude(state=State.SENT).update(
        state=State.SENDING, attempts=F("attempts") + 1
    )


@contextlib.contextmanager
def handing(key: str) -> Iterator[None]:
    """`sending`, committed only once the message has left (Sender.handing): a worker
    killed before its final dot leaves has not counted it, one killed after has."""
    with transaction.atomic():
        sending(key)
        yield


def sent(key: str, at: dt.datetime | None = None) -> None:
    Delivery.objects.filter(key=key).update(
        state=State.SENT,
        sent_at=at or timezone.now(),
        error="",
        trouble_since=None,
        message="",  # kept only until it has gone
        lease_owner="",
        lease_until=None,
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
