"""Reads about clients for the practitioner's pages."""

from __future__ import annotations

import datetime as dt
from itertools import chain
from typing import Any, cast

from django.db.models import OuterRef, QuerySet, Subquery

from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client


def clients_with_last_checkin(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Each client with their latest check-in's time, activation and contact wish (one query)."""
    latest = CheckIn.objects.filter(client=OuterRef("pk")).order_by("-answered_at")
    return clients.annotate(
        last_checkin_at=Subquery(latest.values("answered_at")[:1]),
        last_activation=Subquery(latest.values("activation")[:1]),
        last_wants_contact=Subquery(latest.values("wants_contact")[:1]),
    ).order_by("name")


def timeline(client: Client, limit: int = 200) -> list[dict[str, Any]]:
    """Sessions and check-ins together, most recent first."""
    sessions = Session.objects.filter(client=client).order_by("-starts_at")[:limit]
    checkins = CheckIn.objects.filter(client=client).order_by("-answered_at")[:limit]
    entries = chain(
        ({"kind": "session", "at": s.starts_at, "item": s} for s in sessions),
        ({"kind": "checkin", "at": c.answered_at, "item": c} for c in checkins),
    )
    return sorted(entries, key=lambda e: cast(dt.datetime, e["at"]), reverse=True)[:limit]
