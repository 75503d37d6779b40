"""How often something may happen, counted in the database so that every web process and
every worker agrees: emails anyone can ask Tend to send (per address and per recipient),
and wrong sign-in codes (per practitioner).

Each counted act is a row; a limit is "at most `times` in the last `per`". Two requests at
the very same moment on PostgreSQL may both take the last place: a little inexact, for the
sake of one plain table (SQLite writes one transaction at a time, so there it is exact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tend.practices.models import Tally

KEEP = dt.timedelta(days=1)  # no limit looks further back than this


@dataclass(frozen=True)
class Limit:
    name: str
    times: int
    per: dt.timedelta = dt.timedelta(hours=1)


# Emails anyone may ask for, per hour: from one address, and to one recipient. (A client
# also gets at most three sign-in links an hour: tend.clients.links.LINKS_PER_HOUR.)
CLIENT_LINKS_FROM = Limit("client-links-from", 20)
CLIENT_LINKS_TO = Limit("client-links-to", 10)
RESETS_FROM = Limit("resets-from", 10)
RESETS_TO = Limit("resets-to", 3)
INVITATIONS_FROM = Limit("invitations-from", 30)
INVITATIONS_BY_PRACTICE = Limit("invitations-by-practice", 30)
INVITATIONS_TO = Limit("invitations-to", 3)
# A practitioner inviting a client to Tend (signed in, so per practice rather than address).
CLIENT_INVITATIONS_BY_PRACTICE = Limit("client-invitations-by-practice", 60)
CLIENT_INVITATIONS_TO = Limit("client-invitations-to", 3)
# Wrong two-step sign-in codes in a row for one practitioner, as for wrong passwords.
WRONG_CODES = Limit("wrong-codes", 10, dt.timedelta(minutes=15))


def _key(limit: Limit, value: object) -> str:
    return salted_hmac("tend.limits", f"{limit.name}:{value}", algorithm="sha256").hexdigest()


def address(request: HttpRequest) -> str:
    """The address a request came from, as the sign-in limits (django-axes) see it."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def full_until(limit: Limit, value: object) -> dt.datetime | None:
    """When `limit` has room again for `value`; None: it has room now."""
    since = timezone.now() - limit.per
    rows = Tally.objects.filter(key=_key(limit, value), at__gt=since)
    # The oldest of the last `times` acts: room comes back when it leaves the window.
    recent = list(rows.order_by("-at").values_list("at", flat=True)[: limit.times])
    if len(recent) < limit.times:
        return None
    return recent[-1] + limit.per


def take(*counted: tuple[Limit, object]) -> dt.datetime | None:
    """Count one act under each (limit, value), if every one of them has room; otherwise
    count nothing and answer when all of them will have room again."""
    now = timezone.now()
    with transaction.atomic():
        waits = [w for limit, value in counted if (w := full_until(limit, value)) is not None]
        if waits:
            return max(waits)
        Tally.objects.bulk_create([Tally(key=_key(lim, value), at=now) for lim, value in counted])
        Tally.objects.filter(at__lt=now - KEEP).delete()
    return None


def count(limit: Limit, value: object) -> None:
    """Count one act, whatever the room (a wrong code is counted even when over)."""
    Tally.objects.create(key=_key(limit, value))


def clear(limit: Limit, value: object) -> None:
    """Start the count again (the right code after some wrong ones)."""
    Tally.objects.filter(key=_key(limit, value)).delete()
