"""Sending follow-up check-ins and their reminders: the check-in rows are the outbox.

Due rows are claimed in batches under a short lease (PostgreSQL skips rows another worker
holds; on SQLite the IMMEDIATE transaction serialises the claim), renewed while the worker
lives, so a worker that dies holds its rows for one lease at most. Each message goes over
the worker's one SMTP connection (tend.notify.sender) and is recorded as sent only after
the server's 250. A worker killed between that 250 and the record leaves the row to be sent
again, with the same Message-ID: never lost, at most one repeat per worker killed.

Every message has a delivery row (tend.notify.models.Delivery) that says at each moment
what happened to it. Asked to stop, a worker finishes the message in hand and gives the
rest of the batch back.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tend.checkins import email as checkin_email
from tend.checkins import followup
from tend.checkins.models import CheckIn, State
from tend.clients import pauses
from tend.lib import leases, statements
from tend.notify import drain, outbox, record
from tend.notify.models import Delivery
from tend.notify.sender import Deferred, MailDown, Refused, Sender


def due_checkins() -> QuerySet[CheckIn]:
    """Due and still worth asking: one whose window closed while no worker ran just lapses."""
    now = timezone.now()
    open_window = Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    return CheckIn.objects.filter(open_window, state=State.SCHEDULED, due_at__lte=now)


def due_reminders() -> QuerySet[CheckIn]:
    now = timezone.now()
    return CheckIn.objects.filter(
        state=State.SENT, remind_at__lte=now, reminded_at__isnull=True, closes_at__gt=now
    )


def _retry() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS)


class Dispatcher:
    def __init__(self, worker: str, sender: Sender, batch: int = 100) -> None:
        self.worker = worker
        self.sender = sender
        self.batch = batch
        self.stopping = False

    def stop(self) -> None:
        """Finish the message in hand, give back the rest of the batch, start nothing new."""
        self.stopping = True

    def send_due(self) -> int:
        """Send a batch of due check-ins. How many were claimed; MailDown if no server."""
        return self._run(due_checkins(), reminder=False)

    def send_reminders(self) -> int:
        return self._run(due_reminders(), reminder=True)

    def _run(self, qs: QuerySet[CheckIn], *, reminder: bool) -> int:
        if self.stopping or not leases.unleased(qs, timezone.now()).exists():
            return 0
        ids = leases.claim(qs, self.worker, self.batch, "due_at")
        rows = list(
            CheckIn.objects.filter(pk__in=ids, lease_owner=self.worker)
            .select_related("client__practitioner", "session")
            .defer("session__private_note", "session__client_note")
            .order_by("due_at")
        )
        to_send = [checkin for checkin in rows if self._to_email(checkin, reminder)]
        already = _record_intent(to_send, reminder)
        heartbeat = leases.Heartbeat(CheckIn, self.worker)
        for position, checkin in enumerate(to_send):
            if self.stopping:
                leases.release(CheckIn, [c.pk for c in to_send[position:]], self.worker)
                break
            heartbeat.beat(lambda: [c.pk for c in to_send[position:]])  # noqa: B023
            self._send_one(checkin, reminder, already)
        return len(ids)

    def _to_email(self, checkin: CheckIn, reminder: bool) -> bool:
        """Paused or emails stopped: settled here, without an email. Else True."""
        if pauses.is_paused(checkin.client):
            if reminder or not _hold_until_resume(checkin, self.worker):
                _finish(checkin, self.worker, reminder, cancel="paused")
            return False
        if checkin.client.emails_stopped_at is not None:
            _finish(checkin, self.worker, reminder)  # open in the app, no email
            return False
        return True

    def _send_one(self, checkin: CheckIn, reminder: bool, already: set[str]) -> None:
        key = checkin_email.key(checkin, reminder=reminder)
        if key in already:  # it went before, but the check-in was never marked
            _finish(checkin, self.worker, reminder)
            return
        try:
            to = outbox.envelope_address(checkin.client.email)
            data = checkin_email.build(checkin, reminder=reminder)
        except ValueError as exc:  # an address no server would take, a broken header
            record.failed(key, Refused(0, f"cannot be written ({type(exc).__name__})"))
            _finish(checkin, self.worker, reminder)
            return
        try:
            self.sender.open()  # counted as an attempt only once there is a line to the server
            record.sending(key)
            self.sender.send(drain.envelope_sender(), to, data)
        except Deferred as trouble:
            record.not_yet(key, trouble)
            leases.release(CheckIn, [checkin.pk], self.worker, _retry())
        except Refused as trouble:
            # Refused for this message alone: the client can still answer in the app, and
            # the practitioner hears that the email did not reach them.
            record.failed(key, trouble)
            _finish(checkin, self.worker, reminder)
        except MailDown as trouble:
            record.not_yet(key, trouble)
            leases.release(CheckIn, _held(self.worker), self.worker, _retry())
            raise
        else:
            with transaction.atomic():
                _finish(checkin, self.worker, reminder)
                record.sent(key)


def _held(worker: str) -> list[int]:
    return list(CheckIn.objects.filter(lease_owner=worker).values_list("pk", flat=True))


def _record_intent(rows: list[CheckIn], reminder: bool) -> set[str]:
    """A delivery row for each message before it goes; return the keys already sent."""
    kind = Delivery.Kind.REMINDER if reminder else Delivery.Kind.CHECKIN
    keys = {c.pk: checkin_email.key(c, reminder=reminder) for c in rows}
    Delivery.objects.bulk_create(
        [
            Delivery(
                key=keys[c.pk],
                kind=kind,
                practice_id=c.practice_id,
                client_id=c.client_id,
                recipient=c.client.email[:254],
            )
            for c in rows
        ],
        ignore_conflicts=True,
    )
    sent = Delivery.objects.filter(key__in=list(keys.values()), state=Delivery.State.SENT)
    return set(sent.values_list("key", flat=True))


def _finish(checkin: CheckIn, worker: str, reminder: bool, cancel: str = "") -> None:
    """Mark one row done, only if this worker still holds it and nobody answered meanwhile."""
    now = timezone.now()
    if not (cancel or reminder) and _mark_sent(checkin.pk, worker, now):
        return  # the usual case, once per message: one plain statement
    mine = CheckIn.objects.filter(pk=checkin.pk, lease_owner=worker)
    done: dict[str, object] = {"lease_owner": "", "lease_until": None}
    if cancel:
        mine.filter(state=State.SCHEDULED).update(
            state=State.CANCELLED, cancel_reason=cancel, **done
        )
        mine.filter(state=State.SENT).update(reminded_at=now, **done)
    elif reminder:
        mine.update(reminded_at=now, **done)
    else:
        mine.update(**done)  # answered while we held it: just let go


def _mark_sent(pk: int, worker: str, now: dt.datetime) -> bool:
    """Scheduled -> sent, if this worker still holds the row (once per message: plain SQL)."""
    c = statements.names(CheckIn, connection.vendor)
    sent_at = statements.value(CheckIn, "sent_at", now)
    changed = statements.run(
        f"UPDATE {c['table']} SET {c['state']} = %s, {c['sent_at']} = %s, "  # noqa: S608
        f"{c['lease_owner']} = '', {c['lease_until']} = NULL "
        f"WHERE {c['id']} = %s AND {c['lease_owner']} = %s AND {c['state']} = %s",
        [State.SENT, sent_at, pk, worker, State.SCHEDULED],
    )
    return changed > 0


def _hold_until_resume(checkin: CheckIn, worker: str) -> bool:
    """A check-in that falls in a pause waits for its end, unless another will be there.

    So after a quiet day or a week away the client hears from Tend once, gently, rather
    than not at all (or all at once).
    """
    client = checkin.client
    resume = pauses.resumes_at(client)
    if resume is None:
        return False
    gap = dt.timedelta(minutes=settings.CHECKIN_MIN_GAP_MINUTES)
    others = CheckIn.objects.filter(client=client, state=State.SCHEDULED, due_at__lte=resume + gap)
    if others.exclude(pk=checkin.pk).exists():
        return False
    remind, closes = followup.window(client, resume)
    held = CheckIn.objects.filter(pk=checkin.pk, lease_owner=worker, state=State.SCHEDULED)
    return bool(
        held.update(
            due_at=resume, remind_at=remind, closes_at=closes, lease_owner="", lease_until=None
        )
    )


def close_windows() -> int:
    """Unanswered check-ins whose window has closed are missed; unsent stale ones lapse."""
    now = timezone.now()
    missed = CheckIn.objects.filter(state=State.SENT, closes_at__lte=now).update(state=State.MISSED)
    lapsed = leases.unleased(
        CheckIn.objects.filter(state=State.SCHEDULED, closes_at__lte=now), now
    ).update(state=State.CANCELLED, cancel_reason="lapsed")
    return missed + lapsed
