"""Sending the emails written ahead (outbox.py): claimed in batches under a lease.

"Not now" (4xx) or no server: the message waits, longer each time (1, 2, 4 ... 30
minutes), and is given up after a day; refused (5xx): failed at once. Either way its row
says why, and a client who can't be reached gets an alert (tend.alerts.reachability).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tend.lib import leases
from tend.notify import outbox, record
from tend.notify.models import Delivery
from tend.notify.sender import Deferred, MailDown, Refused, Sender

BATCH = 50
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(minutes=30)
GIVE_UP = dt.timedelta(days=1)


def envelope_sender() -> str:
    return _envelope(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=4)
def _envelope(from_email: str) -> str:
    _, address = email.utils.parseaddr(from_email)
    return outbox.envelope_address(address)


def wait(attempts: int) -> dt.timedelta:
    """How long a message not taken waits before its next try."""
    return min(FIRST_WAIT * (1 << min(max(attempts - 1, 0), 10)), LONGEST_WAIT)


def due(now: dt.datetime) -> QuerySet[Delivery]:
    """Queued and due; or left `sending` by a worker that died (its lease has run out): its
    fate is unknown, so it goes again with the same Message-ID."""
    waiting = (Delivery.State.QUEUED, Delivery.State.SENDING)
    return leases.unleased(Delivery.objects.filter(state__in=waiting, due_at__lte=now), now)


def run(worker: str, sender: Sender, stopping: Callable[[], bool] = lambda: False) -> int:
    """Send up to a batch of due emails. How many were claimed. MailDown if no server."""
    now = timezone.now()
    if not due(now).exists():
        return 0  # the usual answer, without a write lock on SQLite
    ids = leases.claim(due(now), worker, BATCH, "due_at")
    rows = list(Delivery.objects.filter(pk__in=ids, lease_owner=worker).order_by("due_at"))
    heartbeat = leases.Heartbeat(Delivery, worker)
    for position, row in enumerate(rows):
        rest = [r.pk for r in rows[position:]]
        if stopping():
            leases.release(Delivery, rest, worker)
            break
        heartbeat.beat(lambda: rest)  # noqa: B023
        try:
            sender.open()  # counted as an attempt only once there is a line to the server
            record.sending(row.key)
            sender.send(envelope_sender(), row.recipient, outbox.raw(row))
        except Deferred as trouble:
            if row.trouble_since is not None and timezone.now() - row.trouble_since > GIVE_UP:
                record.failed(row.key, trouble)
            else:
                record.not_yet(row.key, trouble, timezone.now() + wait(row.attempts + 1))
        except Refused as trouble:
            record.failed(row.key, trouble)
        except MailDown as trouble:
            retry = timezone.now() + dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS)
            record.not_yet(row.key, trouble, retry)
            leases.release(Delivery, rest[1:], worker, retry - timezone.now())
            raise
        else:
            record.sent(row.key)
    return len(ids)
