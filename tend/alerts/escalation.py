"""Who holds an alert, and passing it on when nobody acknowledges it in time.

The chain. Each step waits the practice's time: `urgent_escalation_minutes` for an urgent
alert, `normal_escalation_hours` for the rest. Acknowledging stops it at once.

  step 0   the client's practitioner, or whoever covers for them now (coverage.py).
           Urgent: emailed at once. Normal: shown in their queue in Tend.
  step 1   the colleague covering for whoever holds it, by email; they now hold it.
           Nobody to cover: straight on to step 2.
  step 2   every admin who is here (every active admin, if all of them are away), by
           email; an admin holds it (the holder already, if they are one).
  step 3+  the admins are reminded by email, once an interval, until someone acknowledges.

Entering a step writes, in one transaction with the move itself, an event for each person
told (under a key that exists once: alert, level, step, person) and, where they are told by
email, the email, to the outbox (tend.notify.outbox): the worker sends it with every other
email. So a worker that dies loses no step, and two workers never enter the same step twice
(the move is a conditional update of the locked row). An email the server refuses, or that
can't go for a while, is recorded on its delivery; the alert is in the app all the same,
and the chain goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince

from tend.alerts import coverage, reasons
from tend.alerts.models import Alert, AlertEvent, AlertState
from tend.notify import outbox
from tend.notify.models import Delivery
from tend.practices.models import Practitioner

log = logging.getLogger(__name__)

Action = AlertEvent.Action
Channel = AlertEvent.Channel
OPEN = AlertState.OPEN
COVER, ADMINS = 1, 2
BATCH = 20


def interval(alert: Alert) -> dt.timedelta:
    """How long the people told at one step have before it goes to the next."""
    practice = alert.practice
    if alert.is_urgent:
        return dt.timedelta(minutes=practice.urgent_escalation_minutes)
    return dt.timedelta(hours=practice.normal_escalation_hours)


def key(alert: Alert, step: int, practitioner_id: int) -> str:
    return f"alert:{alert.pk}:{alert.level}:step:{step}:to:{practitioner_id}"


# Starting --------------------------------------------------------------------------------


def start(alert: Alert, at: dt.datetime) -> None:
    """Give a new (unsaved or just-saved) alert its first responsible person and deadline.

    Sets alert.responsible, alert.step and alert.escalate_at, and records who was told.
    Must never leave an alert with nobody responsible. Called again when an open alert
    becomes urgent: whoever holds it then is emailed at once, and the urgent clock runs.
    """
    if alert.pk is None:
        alert.save()
    people = coverage.colleagues(alert.practice_id)
    holder = _holder(alert, people, at)
    alert.responsible = holder
    alert.escalate_at = at + interval(alert)
    if alert.is_urgent:  # emailed at once
        told = coverage.admins_to_tell(people, at) if alert.step >= ADMINS else []
        _tell(alert, alert.step, told or ([holder] if holder else []), at, holder)
    elif holder is not None:  # in their queue in Tend
        AlertEvent.objects.create(
            practice_id=alert.practice_id,
            alert=alert,
            at=at,
            action=Action.NOTIFIED,
            practitioner=holder,
            channel=Channel.APP,
        )


def _holder(alert: Alert, people: dict[int, Practitioner], at: dt.datetime) -> Practitioner | None:
    """Whoever holds it now, if they can; else their cover; else as for a new alert."""
    current = people.get(alert.responsible_id) if alert.responsible_id else None
    if current is not None:
        if coverage.available(current, at):
            return current
        cover = coverage.covering(current, at, people)
        if cover is not None:
            return cover
    return coverage.responsible_now(alert.client, at, people)


def hand_over(practitioner: Practitioner, at: dt.datetime) -> int:
    """Someone going away: the alerts they hold go on to their cover at the next round."""
    return Alert.objects.filter(
        responsible=practitioner, state=OPEN, step__lt=ADMINS, escalate_at__gt=at
    ).update(escalate_at=at)


# The worker's duty -----------------------------------------------------------------------


def run_due(now: dt.datetime | None = None) -> int:
    """Pass on the alerts whose time has come. Returns how many moved on."""
    now = now or timezone.now()
    due = Alert.objects.filter(state=OPEN, escalate_at__lte=now).order_by("escalate_at")
    return sum(_move_on(pk, now) for pk in list(due.values_list("pk", flat=True)[:BATCH]))


def _move_on(pk: int, now: dt.datetime) -> int:
    """Enter the alert's next step and tell whoever it now reaches, in one transaction.

    The row is locked and checked again first, so of two workers only one moves it on.
    """
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("practice", "client__practitioner")
            .filter(pk=pk, state=OPEN, escalate_at__lte=now)
            .first()
        )
        if alert is None:  # acknowledged, or moved on by another worker, meanwhile
            return 0
        previous = alert.responsible_id
        step = next_step(alert, now)
        alert.step, alert.responsible = step.number, step.responsible
        alert.escalate_at = now + interval(alert)
        alert.save(update_fields=["step", "responsible", "escalate_at"])
        previous_holder = Practitioner(pk=previous) if previous else None
        _tell(alert, step.number, step.told, now, previous_holder)
    return 1


@dataclass
class Step:
    number: int
    told: list[Practitioner]
    responsible: Practitioner | None


def next_step(alert: Alert, now: dt.datetime) -> Step:
    """Where an alert goes when its time is up (see the chain at the top)."""
    people = coverage.colleagues(alert.practice_id)
    current = people.get(alert.responsible_id) if alert.responsible_id else None
    number = alert.step + 1
    if number == COVER:
        source = current or people.get(alert.client.practitioner_id)
        cover = coverage.covering(source, now, people) if source else None
        if cover is not None:
            return Step(COVER, [cover], cover)
        number = ADMINS
    admins = coverage.admins_to_tell(people, now)
    if admins:
        responsible = current if current in admins else admins[0]
        return Step(number, admins, responsible)
    # A practice without an active admin: whoever can hold it is reminded.
    holder = _holder(alert, people, now)
    return Step(number, [holder] if holder else [], holder)


def _tell(
    alert: Alert,
    step: int,
    told: list[Practitioner],
    at: dt.datetime,
    previous: Practitioner | None,
) -> None:
    """An event for each person told and, if they can be emailed, their email."""
    for person in told:
        event = AlertEvent(
            practice_id=alert.practice_id,
            alert=alert,
            at=at,
            action=(
                Action.ESCALATED
                if step in (COVER, ADMINS) and (previous is None or person.pk != previous.pk)
                else Action.NOTIFIED
            ),
            practitioner=person,
            channel=Channel.APP,
            key=key(alert, step, person.pk),
        )
        if AlertEvent.objects.filter(key=event.key).exists():
            continue  # told at this step already
        if person.is_active and person.email:
            email = write_email(alert, event, person)
            if email.state != Delivery.State.FAILED:  # else an address no server takes
                event.channel = Channel.EMAIL
        event.save()


# The email -------------------------------------------------------------------------------


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def queue_url() -> str:
    return settings.SITE_URL + reverse("home")


def write_email(alert: Alert, event: AlertEvent, person: Practitioner) -> Delivery:
    """In the practitioner's language; the client's first name and the reason, never
    their words."""
    client = alert.client
    with translation.override(person.language):
        reason = reasons.reason(alert)
        open_for = timesince(alert.opened_at, timezone.now())
    context = {
        "practitioner_name": person.name,
        "client_name": first_name(client.name),
        "their_practitioner": (
            client.practitioner.name if client.practitioner_id != person.pk else ""
        ),
        "reason": reason,
        "open_for": open_for,
        "urgent": alert.is_urgent,
        "passed_on": event.action == Action.ESCALATED,
        "still_open": event.action == Action.NOTIFIED and alert.step > 0,
        "url": queue_url(),
    }
    assert event.key is not None
    return outbox.email(
        "alerts/emails/escalation",
        to=person.email,
        language=person.language,
        context=context,
        kind=Delivery.Kind.ALERT,
        key=event.key,
        practice_id=alert.practice_id,
    )
