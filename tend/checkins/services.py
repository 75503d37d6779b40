"""Writes about check-ins: answers, from the full form or from one tap."""

from __future__ import annotations

import enum
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tend.care.models import Session
from tend.checkins import signals
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
    if target is not None and checkin is None:
        target.client = client  # read already: the receivers need it
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
        signals.answered.send(sender=CheckIn, checkin=target)
        return target
    if target.quick_answer == QuickAnswer.REACH_OUT and fields["wants_contact"] is None:
        fields["wants_contact"] = True
    if target.state == State.ANSWERED:  # more from the client: not seen until looked at again
        target.seen_by, target.seen_at = None, None
    for name, value in fields.items():
        setattr(target, name, value)
    target.state = State.ANSWERED
    target.answered_at = target.answered_at or now
    target.details_added_at = now
    target.save()
    signals.answered.send(sender=CheckIn, checkin=target)
    return target


class Tap(enum.Enum):
    """What became of a one-tap answer."""

    RECORDED = "recorded"  # the check-in's first answer
    CHANGED = "changed"  # a later, different answer: recorded, the earlier one kept
    REPEAT = "repeat"  # the same answer again: nothing to do
    REFUSED = "refused"  # withdrawn or gone

    def __bool__(self) -> bool:
        """True when something was recorded."""
        return self in (Tap.RECORDED, Tap.CHANGED)


def _quick_values(answer: str) -> dict[str, Any]:
    if answer == QuickAnswer.REACH_OUT:
        return {"wants_contact": True}
    return {"activation": QUICK_ACTIVATION[QuickAnswer(answer)]}


def checkin_quick_answer(*, checkin_id: int, answer: str) -> Tap:
    """Record a one-tap answer, first or later; only the same answer again changes nothing.

    A later answer becomes the check-in's answer (and raises whatever it warrants); the
    earlier ones stay in its history for the practitioner to read. Each write is
    conditional on the row being as it was read, so two taps at once never lose one.
    """
    for _attempt in range(5):
        tap = _quick_answer_once(checkin_id, answer)
        if tap is not None:
            return tap
    return Tap.REFUSED  # changed under us five times running: let the client tap again


@transaction.atomic
def _quick_answer_once(checkin_id: int, answer: str) -> Tap | None:
    checkin = (
        CheckIn.objects.select_related("client__practice")
        .filter(pk=checkin_id, state__in=(*ANSWERABLE, State.ANSWERED))
        .first()
    )
    if checkin is None:
        return Tap.REFUSED
    if checkin.is_answered and checkin.quick_answer == answer:
        return Tap.REPEAT
    now = timezone.now()
    history = list(checkin.quick_history)
    if not history and checkin.quick_answer and checkin.answered_at:  # tapped before history
        history.append({"answer": checkin.quick_answer, "at": checkin.answered_at.isoformat()})
    history.append({"answer": answer, "at": now.isoformat()})
    values: dict[str, Any] = {"quick_answer": answer, "quick_history": history}
    values |= _quick_values(answer)
    if checkin.is_answered:
        tap = Tap.CHANGED
        # New words from the client: not seen until someone looks again.
        values |= {"answered_again_at": now, "seen_by": None, "seen_at": None}
        rows = CheckIn.objects.filter(
            pk=checkin_id,
            state=State.ANSWERED,
            quick_answer=checkin.quick_answer,
            answered_again_at=checkin.answered_again_at,
        )
    else:
        tap = Tap.RECORDED
        values |= {"state": State.ANSWERED, "answered_at": now, "lease_owner": ""}
        rows = CheckIn.objects.filter(pk=checkin_id, state__in=ANSWERABLE)
    if rows.update(**values) != 1:
        return None  # someone else answered in between: read it again
    for name, value in values.items():
        setattr(checkin, name, value)
    signals.answered.send(sender=CheckIn, checkin=checkin)
    return tap
