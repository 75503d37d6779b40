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

Emails go through an outbox kept in `AlertEvent`. Entering a step writes, in the same
transaction that moves the alert on, one event for each person told, under a key that
exists once (alert, level, step, person), on the "app" channel: from that moment the alert
is in their queue. The worker then sends each email and, once the server has taken it,
moves the event to the "email" channel. Only when every email of the step is out does the
alert get its next deadline. So a worker that dies loses no step, two workers never tell
anyone twice, and the only repeat is a message whose fate is unknown (the worker died
between the server's "OK" and recording it): it goes again with the same Message-ID.
An address the server refuses keeps its "app" event (its key marked unsent) and the chain
goes on; a server that can't be reached leaves the step for the next round.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince

from tend.alerts import coverage, reasons
from tend.alerts.models import Alert, AlertEvent, AlertState
from tend.lib import emails, leases
from tend.notify.checkin_email import message_id
from tend.practices.models import Practitioner

log = logging.getLogger(__name__)

Action = AlertEvent.Action
Channel = AlertEvent.Channel
OPEN = AlertState.OPEN
COVER, ADMINS = 1, 2
BATCH = 20
UNSENT = ":unsent"


class MailServerDown(Exception):
    """The SMTP server can't be reached; every alert waits for the next round."""


class Deferred(Exception):
    """The server said "not now" (4xx) to one message; its alert waits for a later round."""


class Refused(Exception):
    """The server (or the address itself) refused one message for good."""


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
    if alert.is_urgent:
        alert.escalate_at = at  # the worker emails them straight away
        told = coverage.admins_to_tell(people, at) if alert.step >= ADMINS else []
        told = told or ([holder] if holder else [])
        _write_intents(alert, alert.step, told, at, holder.pk if holder else None)
    else:
        alert.escalate_at = at + interval(alert)
        if holder is not None:
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


def _retry() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS)


def due(now: dt.datetime) -> QuerySet[Alert]:
    return leases.unleased(Alert.objects.filter(state=OPEN, escalate_at__lte=now), now)


def claim(worker: str, batch: int = BATCH) -> list[int]:
    """Take up to `batch` due alerts; nobody else works on them until the lease ends.

    PostgreSQL skips rows another worker is claiming; on SQLite the IMMEDIATE transaction
    serialises claims. A cheap look first, so an idle round takes no write lock.
    """
    now = timezone.now()
    if not due(now).exists():
        return []
    return leases.claim(due(now), worker, batch, "escalate_at")


def release(ids: list[int], worker: str, wait: dt.timedelta | None = None) -> None:
    """Give alerts back: to anyone at once, or (with `wait`) to nobody until it has passed."""
    leases.release(Alert, ids, worker, wait)


def run_due(worker: str) -> int:
    """The worker's duty: tell and pass on alerts whose time has come. Returns how many."""
    ids = claim(worker)
    if not ids:
        return 0
    mailer = _Mailer()
    # Start no email once half the lease has gone, so no other worker holds it by then.
    send_by = time.monotonic() + leases.lease().total_seconds() / 2
    try:
        for position, pk in enumerate(ids):
            if time.monotonic() >= send_by:
                release(ids[position:], worker)
                break
            try:
                _work(pk, worker, mailer, send_by)
            except MailServerDown as exc:
                log.warning("mail server unreachable (%s); alerts wait for the next round", exc)
                release(ids[position:], worker, _retry())
                break
            except Deferred:
                release([pk], worker, _retry())
            except Exception:
                # One alert's trouble must not stop the others, nor the check-ins.
                log.exception("alert %s could not be passed on; trying again soon", pk)
                release([pk], worker, _retry())
    finally:
        mailer.close()
    return len(ids)


def _work(pk: int, worker: str, mailer: _Mailer, send_by: float) -> None:
    """Send what the alert's current step still owes, or enter its next step and send that."""
    alert = (
        Alert.objects.select_related("practice", "client__practitioner")
        .filter(pk=pk, lease_owner=worker, state=OPEN)
        .first()
    )
    if alert is None:  # acknowledged since it was claimed
        release([pk], worker)
        return
    pending = _pending(alert)
    if not pending:
        pending = _enter_next_step(alert, worker, timezone.now())
    if pending:
        deadline = min(event.at for event in pending) + interval(alert)
        for event in pending:
            if time.monotonic() >= send_by or not _still_ours(alert, worker):
                break  # acknowledged meanwhile: the chain stops here
            _tell(alert, event, mailer, deadline)
    release([pk], worker)


def _pending_events(alert: Alert) -> QuerySet[AlertEvent]:
    return AlertEvent.objects.filter(
        alert_id=alert.pk, channel=Channel.APP, key__startswith=f"alert:{alert.pk}:{alert.level}:"
    ).exclude(key__endswith=UNSENT)


def _pending(alert: Alert) -> list[AlertEvent]:
    return list(_pending_events(alert).select_related("practitioner").order_by("pk"))


def _still_ours(alert: Alert, worker: str) -> bool:
    return Alert.objects.filter(
        pk=alert.pk, state=OPEN, lease_owner=worker, lease_until__gt=timezone.now()
    ).exists()


@dataclass
class Step:
    number: int
    told: list[Practitioner]
    responsible: Practitioner | None


def _enter_next_step(alert: Alert, worker: str, now: dt.datetime) -> list[AlertEvent]:
    """Move the alert on and write down whom to tell, in one transaction."""
    with transaction.atomic():
        locked = (
            Alert.objects.select_for_update()
            .filter(pk=alert.pk, lease_owner=worker, state=OPEN)
            .first()
        )
        if locked is None:
            return []
        locked.practice, locked.client = alert.practice, alert.client
        previous = locked.responsible_id
        step = next_step(locked, now)
        Alert.objects.filter(pk=alert.pk).update(step=step.number, responsible=step.responsible)
        alert.level, alert.step, alert.responsible = locked.level, step.number, step.responsible
        _write_intents(alert, step.number, step.told, now, previous)
        if not _pending_events(alert).exists():  # nobody at all to tell: again in an interval
            Alert.objects.filter(pk=alert.pk).update(escalate_at=now + interval(alert))
    return _pending(alert)


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


def _write_intents(
    alert: Alert,
    step: int,
    told: list[Practitioner],
    at: dt.datetime,
    previous_id: int | None,
) -> None:
    AlertEvent.objects.bulk_create(
        [
            AlertEvent(
                practice_id=alert.practice_id,
                alert=alert,
                at=at,
                action=(
                    Action.ESCALATED
                    if step in (COVER, ADMINS) and person.pk != previous_id
                    else Action.NOTIFIED
                ),
                practitioner=person,
                channel=Channel.APP,
                key=key(alert, step, person.pk),
            )
            for person in told
        ],
        ignore_conflicts=True,
    )


def _tell(alert: Alert, event: AlertEvent, mailer: _Mailer, deadline: dt.datetime) -> None:
    person = event.practitioner
    sent = False
    if person is not None and person.is_active and person.email:
        try:
            mailer.send(build_email(alert, event, person))
            sent = True
        except Refused as exc:
            log.warning("alert %s: email to practitioner %s refused (%s)", alert.pk, person.pk, exc)
    _settle(alert, event, deadline, sent=sent)


def _settle(alert: Alert, event: AlertEvent, deadline: dt.datetime, *, sent: bool) -> None:
    """Record one email's fate; the step's last one starts the clock for the next step."""
    with transaction.atomic():
        mine = AlertEvent.objects.filter(pk=event.pk, channel=Channel.APP)
        if sent:
            mine.update(channel=Channel.EMAIL, at=timezone.now())
        else:
            mine.update(key=f"{event.key}{UNSENT}")
        if not _pending_events(alert).exists():
            Alert.objects.filter(pk=alert.pk, state=OPEN).update(escalate_at=deadline)


# The email -------------------------------------------------------------------------------


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def queue_url() -> str:
    return settings.SITE_URL + reverse("home")


def build_email(alert: Alert, event: AlertEvent, person: Practitioner) -> EmailMultiAlternatives:
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
    subject, text, html = emails.render("alerts/emails/escalation", person.language, context)
    assert event.key is not None
    headers = {"Message-ID": message_id(event.key), "Auto-Submitted": "auto-generated"}
    message = EmailMultiAlternatives(subject, text, to=[person.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


class _Mailer:
    """One SMTP connection for a round, opened when the first email needs it."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend | None = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.backend is None:
            backend = mailers.default
            try:
                backend.open()
            except OSError as exc:
                raise MailServerDown(type(exc).__name__) from exc
            self.backend = backend
        try:
            self.backend.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Refused(min(codes)) from exc
            raise Deferred(min(codes)) from exc
        except smtplib.SMTPResponseException as exc:
            # SMTP errors are OSErrors too: tell a refusal of this message from a dead line.
            if exc.smtp_code >= 500:
                raise Refused(exc.smtp_code) from exc
            raise Deferred(exc.smtp_code) from exc
        except ValueError as exc:  # an address no server would take
            raise Refused(type(exc).__name__) from exc
        except OSError as exc:
            self.close()
            raise MailServerDown(type(exc).__name__) from exc

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.backend.close()
            self.backend = None
