"""Writes about check-ins: answers, from the full form or from one tap."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tend.alerts import services as alerts
from tend.care.models import Session
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.clients.models import Client

# What one tap says about how activated someone is, for the practitioner's overview.
QUICK_ACTIVATION = {
    QuickAnswer.SETTLED: 2,
    QuickAnswer.TENDER: 4,
    QuickAnswer.STIRRED: 6,
    QuickAnswer.OVERWHELMED: 9,
}
ANSWERABLE = (State.SCHEDULED, State.SENT, State.MISSED)


def latest_session(client: Client) -> Session | None:
    return (
        Session.objects.filter(client=client, starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )


def open_checkin(client: Client) -> CheckIn | None:
    """The follow-up check-in waiting for this client's answer, if any."""
    now = timezone.now()
    return (
        CheckIn.objects.filter(client=client, state=State.SENT)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("-due_at")
        .first()
    )


def _answer_fields(data: dict[str, Any]) -> dict[str, Any]:
    wants = data.get("wants_contact") or ""
    return {
        "activation": data["activation"],
        "sensations": list(data.get("sensations") or []),
        "emotions": list(data.get("emotions") or []),
        "slept": data.get("slept") or "",
        "ate": data.get("ate") or "",
        "drank": data.get("drank") or "",
        "moved": data.get("moved") or "",
        "need": (data.get("need") or "").strip(),
        "wants_contact": {"yes": True, "no": False}.get(wants),
        "note": (data.get("note") or "").strip(),
    }


@transaction.atomic
def checkin_answer(
    *, client: Client, data: dict[str, Any], checkin: CheckIn | None = None
) -> CheckIn:
    """Record what the client told us (a valid CheckInForm's cleaned_data).

    It answers the check-in given, or the one waiting for them, or starts a new one.
    """
    now = timezone.now()
    target = checkin or open_checkin(client)
    fields = _answer_fields(data)
    if target is None:
        target = CheckIn.objects.create(
            practice_id=client.practice_id,
            client=client,
            session=latest_session(client),
            state=State.ANSWERED,
            answered_at=now,
            details_added_at=now,
            **fields,
        )
        alerts.raise_for_answer(target)
        return target
    if target.quick_answer == QuickAnswer.REACH_OUT and fields["wants_contact"] is None:
        fields["wants_contact"] = True
    for name, value in fields.items():
        setattr(target, name, value)
    target.state = State.ANSWERED
    target.answered_at = target.answered_at or now
    target.details_added_at = now
    target.save()
    alerts.raise_for_answer(target)
    return target


@transaction.atomic
def checkin_quick_answer(*, checkin_id: int, answer: str) -> bool:
    """Record a one-tap answer. False if the check-in was already answered or withdrawn."""
    values: dict[str, Any] = {
        "state": State.ANSWERED,
        "quick_answer": answer,
        "answered_at": timezone.now(),
        "lease_owner": "",
    }
    if answer == QuickAnswer.REACH_OUT:
        values["wants_contact"] = True
    else:
        values["activation"] = QUICK_ACTIVATION[QuickAnswer(answer)]
    updated = CheckIn.objects.filter(pk=checkin_id, state__in=ANSWERABLE).update(**values)
    if updated != 1:
        return False
    alerts.raise_for_answer(CheckIn.objects.select_related("client__practice").get(pk=checkin_id))
    return True
