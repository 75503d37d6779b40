"""The dispatcher: check-in rows are the outbox.

Due rows are claimed in batches under an expiring lease (PostgreSQL skips rows another
worker holds; SQLite serialises the claim in an IMMEDIATE transaction). Each message goes
over one reused SMTP connection under a delivery key that exists once, and the row is
marked sent straight after the server accepts it. A worker killed at any moment leaves
leased rows that another claims when the lease runs out; a message whose fate is unknown
is sent again with the same Message-ID.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.clients import pauses
from tend.notify import checkin_email
from tend.notify.models import Delivery

log = logging.getLogger(__name__)


class MailServerDown(Exception):
    """The SMTP server can't be reached; leave the rest for the next round."""


@dataclass
class Outcome:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    claimed: list[int] = field(default_factory=list)

    @property
    def found_work(self) -> bool:
        return bool(self.claimed)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)


def _unleased(qs: QuerySet[CheckIn], now: dt.datetime) -> QuerySet[CheckIn]:
    return qs.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def claim(qs: QuerySet[CheckIn], worker: str, batch: int) -> list[int]:
    """Take up to `batch` rows of `qs`. Nobody else gets them until the lease ends."""
    now = timezone.now()
    with transaction.atomic():
        rows = _unleased(qs, now).order_by("due_at").select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:batch])
        if ids:
            CheckIn.objects.filter(pk__in=ids).update(
                lease_owner=worker, lease_until=now + _lease()
            )
    return ids


def due_checkins() -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(state=State.SCHEDULED, due_at__lte=timezone.now())


def due_reminders() -> QuerySet[CheckIn]:
    now = timezone.now()
    return CheckIn.objects.filter(
        state=State.SENT, remind_at__lte=now, reminded_at__isnull=True, closes_at__gt=now
    )


class Dispatcher:
    def __init__(self, worker: str, batch: int = 100) -> None:
        self.worker = worker
        self.batch = batch
        self.connection: BaseEmailBackend | None = None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def _send(self, message: object) -> None:
        if self.connection is None:
            self.connection = mailers.default
            try:
                self.connection.open()
            except (smtplib.SMTPException, OSError) as exc:
                self.connection = None
                raise MailServerDown(type(exc).__name__) from exc
        try:
            self.connection.send_messages([message])  # type: ignore[list-item]
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as exc:
            self.close()
            raise MailServerDown(type(exc).__name__) from exc

    def step(self) -> bool:
        """One round of every duty. True if there was anything to do."""
        found = self.send_due().found_work
        found |= self.send_reminders().found_work
        found |= close_windows() > 0
        return found

    def send_due(self) -> Outcome:
        return self._run(claim(due_checkins(), self.worker, self.batch), reminder=False)

    def send_reminders(self) -> Outcome:
        return self._run(claim(due_reminders(), self.worker, self.batch), reminder=True)

    def _run(self, ids: list[int], *, reminder: bool) -> Outcome:
        outcome = Outcome(claimed=ids)
        if not ids:
            return outcome
        rows = (
            CheckIn.objects.filter(pk__in=ids, lease_owner=self.worker)
            .select_related("client__practitioner", "session")
            .order_by("due_at")
        )
        try:
            self._deliver(list(rows), outcome, reminder=reminder)
        except MailServerDown as exc:
            log.warning("mail server unreachable (%s); will retry", exc)
            release(ids, self.worker, dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS))
        return outcome

    def _deliver(self, rows: Iterable[CheckIn], outcome: Outcome, *, reminder: bool) -> None:
        rows = list(rows)
        kind = Delivery.Kind.REMINDER if reminder else Delivery.Kind.CHECKIN
        to_send = []
        for checkin in rows:
            if pauses.is_paused(checkin.client):
                _finish(checkin, self.worker, reminder, cancel="paused")
                outcome.skipped += 1
            elif checkin.client.emails_stopped_at is not None:
                _finish(checkin, self.worker, reminder)  # open in the app, no email
                outcome.skipped += 1
            else:
                to_send.append(checkin)
        keys = {c.pk: f"{kind}:{c.pk}" for c in to_send}
        already = _record_intent(to_send, keys, kind)
        for checkin in to_send:
            key = keys[checkin.pk]
            if key not in already:
                try:
                    self._send(checkin_email.build(checkin, key=key, reminder=reminder))
                except smtplib.SMTPException as exc:
                    # Refused by the server for this message alone; the client can still
                    # answer in the app, and the practitioner sees the failure.
                    Delivery.objects.filter(key=key).update(
                        state=Delivery.State.FAILED, error=type(exc).__name__
                    )
                    outcome.failed += 1
                    _finish(checkin, self.worker, reminder)
                    continue
            _finish(checkin, self.worker, reminder)
            outcome.sent += 1
        Delivery.objects.filter(key__in=list(keys.values()), state=Delivery.State.SENDING).update(
            state=Delivery.State.SENT, sent_at=timezone.now()
        )


def _record_intent(rows: list[CheckIn], keys: dict[int, str], kind: str) -> set[str]:
    """Write each delivery's key before sending; return keys already marked sent."""
    Delivery.objects.bulk_create(
        [
            Delivery(practice_id=c.practice_id, checkin_id=c.pk, key=keys[c.pk], kind=kind)
            for c in rows
        ],
        ignore_conflicts=True,
    )
    Delivery.objects.filter(key__in=list(keys.values())).update(attempts=F("attempts") + 1)
    return set(
        Delivery.objects.filter(key__in=list(keys.values()), state=Delivery.State.SENT).values_list(
            "key", flat=True
        )
    )


def _finish(checkin: CheckIn, worker: str, reminder: bool, cancel: str = "") -> None:
    """Mark one row done, only if this worker still holds it and nobody answered meanwhile."""
    now = timezone.now()
    mine = CheckIn.objects.filter(pk=checkin.pk, lease_owner=worker)
    done: dict[str, object] = {"lease_owner": "", "lease_until": None}
    if cancel:
        mine.filter(state=State.SCHEDULED).update(
            state=State.CANCELLED, cancel_reason=cancel, **done
        )
        mine.filter(state=State.SENT).update(reminded_at=now, **done)
    elif reminder:
        mine.update(reminded_at=now, **done)
    elif not mine.filter(state=State.SCHEDULED).update(state=State.SENT, sent_at=now, **done):
        mine.update(**done)  # answered or withdrawn while we held it: just let go


def release(ids: list[int], worker: str, wait: dt.timedelta) -> None:
    CheckIn.objects.filter(pk__in=ids, lease_owner=worker).update(
        lease_owner="", lease_until=timezone.now() + wait
    )


def close_windows() -> int:
    """Unanswered check-ins whose window has closed are missed; unsent stale ones lapse."""
    now = timezone.now()
    missed = CheckIn.objects.filter(state=State.SENT, closes_at__lte=now).update(state=State.MISSED)
    lapsed = _unleased(
        CheckIn.objects.filter(state=State.SCHEDULED, closes_at__lte=now), now
    ).update(state=State.CANCELLED, cancel_reason="lapsed")
    return missed + lapsed
