"""Writing to the audit trail, and reading it back for the people who may see it.

`record` is one INSERT and nothing else: it is called on the pages practitioners open most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from tend.audit.models import READS, Action, Event
from tend.practices.models import Practitioner


class ClientLike(Protocol):
    """A client, as far as the trail needs one (this app sits below the clients app)."""

    pk: Any
    practice_id: int


def _actor(who: HttpRequest | Practitioner | None) -> tuple[Practitioner | None, bool]:
    """(the practitioner who acted, whether the client acted on their own record)."""
    if isinstance(who, Practitioner):
        return who, False
    if isinstance(who, HttpRequest):
        # A client's pages (/c/...) are used by the client, signed in or holding a link
        # from an email, even when a practitioner is signed in on the same browser.
        if who.path.startswith("/c/"):
            return None, True
        user = getattr(who, "user", None)
        return (user, False) if isinstance(user, Practitioner) else (None, False)
    return None, False


def _name(what: models.Model | None) -> str:
    """A record as its kind and id, never its words."""
    if what is None:
        return ""
    return f"{what._meta.model_name}:{int(what.pk)}"


def record(
    who: HttpRequest | Practitioner | None,
    client: ClientLike,
    action: Action,
    what: models.Model | None = None,
) -> Event:
    actor, by_client = _actor(who)
    return Event.objects.create(
        practice_id=client.practice_id,
        actor=actor,
        by_client=by_client,
        client_id=client.pk,
        action=action,
        record=_name(what),
    )


def record_each(who: Practitioner, clients: Iterable[ClientLike], action: Action) -> int:
    """One row per client, in one statement (the practice's export names every client)."""
    at = timezone.now()
    rows = [
        Event(practice_id=c.practice_id, actor=who, client_id=c.pk, action=action, at=at)
        for c in clients
    ]
    return len(Event.objects.bulk_create(rows, batch_size=500))


def for_client(practice_id: int, client_id: int) -> models.QuerySet[Event]:
    """The whole trail of one client, newest first, for the practice's admins."""
    return (
        Event.objects.filter(practice_id=practice_id, client_id=client_id)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True)
class Opened:
    name: str
    day: dt.date


def who_opened(client: ClientLike, limit: int = 500) -> list[Opened]:
    """Who at the practice opened the client's record, once per person and day, newest
    first: what the client is shown about their own record."""
    rows = (
        Event.objects.filter(practice_id=client.practice_id, client_id=client.pk, action__in=READS)
        .exclude(actor=None)
        .order_by("-at", "-pk")
        .values_list("actor__name", "at")[:limit]
    )
    found = [Opened(name, timezone.localdate(at)) for name, at in rows]
    return list(dict.fromkeys(found))  # once each, in order
