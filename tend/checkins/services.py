"""Writes about check-ins."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client


def latest_session(client: Client) -> Session | None:
    return (
        Session.objects.filter(client=client, starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )


def checkin_answer(*, client: Client, data: dict[str, Any]) -> CheckIn:
    """Record what the client told us. `data` is a valid CheckInForm's cleaned_data."""
    wants = data.get("wants_contact") or ""
    return CheckIn.objects.create(
        practice_id=client.practice_id,
        client=client,
        session=latest_session(client),
        activation=data["activation"],
        sensations=list(data.get("sensations") or []),
        emotions=list(data.get("emotions") or []),
        slept=data.get("slept") or "",
        ate=data.get("ate") or "",
        drank=data.get("drank") or "",
        moved=data.get("moved") or "",
        need=(data.get("need") or "").strip(),
        wants_contact={"yes": True, "no": False}.get(wants),
        note=(data.get("note") or "").strip(),
    )
