"""Clients email can't reach: the practitioner hears, so they can reach out another way.

An email to a client that the server refused (5xx), or that has not gone for an hour
because the server keeps saying "not now" or can't be reached, opens a normal alert
("Tend couldn't reach them by email"), once for each time trouble starts.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from tend.alerts.models import Alert, Kind, Level
from tend.alerts.services import open_alert
from tend.clients.models import Client
from tend.notify.models import Delivery

TROUBLE_FOR = dt.timedelta(hours=1)
LOOK_BACK = dt.timedelta(days=7)


def open_alerts(now: dt.datetime | None = None) -> int:
    """Open an alert for each client newly out of reach. Returns how many."""
    now = now or timezone.now()
    failing = Delivery.objects.filter(client_id__isnull=False).filter(
        Q(state=Delivery.State.FAILED, failed_at__gte=now - LOOK_BACK)
        | Q(
            state__in=(Delivery.State.QUEUED, Delivery.State.SENDING),
            trouble_since__lte=now - TROUBLE_FOR,
            trouble_since__gte=now - LOOK_BACK,
        )
    )
    since: dict[int, tuple[dt.datetime, str]] = {}
    for client_id, failed_at, trouble_since, error in failing.values_list(
        "client_id", "failed_at", "trouble_since", "error"
    ):
        started = trouble_since or failed_at
        if client_id is None or started is None:
            continue
        if client_id not in since or started < since[client_id][0]:
            since[client_id] = (started, error)
    opened = 0
    for client in Client.objects.filter(pk__in=list(since)).select_related("practice"):
        started, error = since[client.pk]
        told = Alert.objects.filter(client=client, kind=Kind.UNREACHABLE, opened_at__gte=started)
        if told.exists():
            continue
        open_alert(client, Kind.UNREACHABLE, Level.NORMAL, {"error": error[:120]}, at=now)
        opened += 1
    return opened
