"""The dispatcher: check-in rows are the outbox.

Due rows are claimed in batches under an expiring lease (PostgreSQL skips rows another
worker holds; SQLite serialises the claim in an IMMEDIATE transaction). Each message goes
over one reused SMTP connection under a delivery key that exists once. A worker killed at
any moment leaves leased rows that another claims when the lease runs out; a message whose
fate is unknown is sent again with the same Message-ID.

Exactly once at the server. A server takes a message when its final "<CRLF>.<CRLF>"
reaches it, whether or not the sender lives to read the "250 OK", and SMTP gives no way to
ask afterwards (RFC 1047). So the record is made as the dot leaves, before the answer is
read: the row is marked sent in a transaction whose statement runs before the dot is
written and which commits straight after (SQLite in WAL with synchronous=NORMAL, PostgreSQL
with synchronous_commit off in the worker: both survive a killed worker). Then the answer
decides: 250 and the record stands; 4xx, or a line that drops before answering, and the
row is put back (durably) to go again later with the same Message-ID; 5xx and its delivery
is recorded as failed. If the row stopped being ours meanwhile (answered, or the lease ran
out), the message is abandoned before its dot.

A worker killed between the dot and that commit, or between the commit and acting on a
refusal, would leave the truth unknowable, except that the line does not die with it: the
line keeper (keeper.py) holds each SMTP connection too, with a note of where on it the
message in flight ends, and the next worker settles it from the kernel's count of bytes
written and the answer still waiting on the line (recovery.py; the answer is read without
being taken off until it has been acted on). Without the keeper (not Linux, or
TEND_DISPATCH_KEEPER off) those two windows remain: a resend in the first (measured: 6
kills in 320), a message recorded as sent that the server refused in the second.

A worker starts no message once half its lease has gone: it hands the rest of the batch
back instead, so a slow worker never sends a row that another has since claimed. Asked to
stop, it finishes the message in hand and hands back the rest the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tend.alerts import escalation
from tend.alerts import services as alert_services
from tend.care import followup
from tend.checkins.models import CheckIn, State
from tend.clients import pauses
from tend.lib import leases
from tend.notify import checkin_email, wire
from tend.notify.keeper import Link
from tend.notify.models import Delivery

log = logging.getLogger(__name__)


class MailServerDown(Exception):
    """The SMTP server can't be reached; leave the rest for the next round."""


class Deferred(Exception):
    """The server said "not now" (4xx) to this one message; it waits for a later round."""


class Withdrawn(Exception):
    """The row stopped being ours to send (answered, or the lease went) while it was on its
    way: the message was abandoned before its end, so the server never takes it."""


@dataclass
class Outcome:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    claimed: list[int] = field(default_factory=list)

    @property
    def found_work(self) -> bool:
        return bool(self.claimed)


def claim(qs: QuerySet[CheckIn], worker: str, batch: int) -> list[int]:
    """Take up to `batch` rows of `qs`, earliest due first, under a lease."""
    return leases.claim(qs, worker, batch, "due_at")


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


# Closing windows reads every unfinished check-in, so a worker does it now and then, not
# after every batch: a window closes within this many seconds of its time.
SWEEP_SECONDS = 30.0


class Dispatcher:
    def __init__(self, worker: str, batch: int = 100, keeper: Link | None = None) -> None:
        self.worker = worker
        self.batch = batch
        self.connection: BaseEmailBackend | None = None
        self.stopping = False
        self.next_sweep = 0.0  # time.monotonic() when windows are next closed
        self.keeper = keeper  # holds our SMTP lines too, so our death doesn't end them
        self.lines_opened = 0
        self.line = ""  # the keeper's name for the line in use, if it holds it
        self.unread = 0  # bytes of the server's last answer, acted on, still to take off

    def _let_keeper_go(self) -> None:
        if self.keeper is not None and self.line:
            self.keeper.drop(self.line)
        self.line = ""

    def stop(self) -> None:
        """Finish the message in hand, give back the rest of the batch, start nothing new."""
        self.stopping = True

    def close(self) -> None:
        self._let_keeper_go()
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def _hang_up(self) -> None:
        """Drop the line without a word: mid-message, even QUIT would be message text."""
        backend = self.connection
        self._let_keeper_go()
        if isinstance(backend, SMTPBackend) and backend.connection is not None:
            with contextlib.suppress(OSError):
                backend.connection.close()
            backend.connection = None
        self.connection = None

    def _open(self) -> BaseEmailBackend:
        if self.connection is None:
            connection = mailers.default
            try:
                connection.open()
            except (smtplib.SMTPException, OSError) as exc:
                raise MailServerDown(type(exc).__name__) from exc
            self.connection = connection
            self._hand_to_keeper(connection)
        return self.connection

    def _hand_to_keeper(self, backend: BaseEmailBackend) -> None:
        smtp = getattr(backend, "connection", None)
        sock = getattr(smtp, "sock", None)
        if self.keeper is None or not self.keeper.alive or sock is None:
            return
        if wire.counts(sock) is None:
            return  # nothing to judge a dead worker's line by: no use keeping it
        self.lines_opened += 1
        self.line = str(self.lines_opened)
        self.keeper.hold(self.line, sock)

    def _note(self, checkin: CheckIn, batch: _Batch, note: _Note) -> None:
        """Tell the keeper what this line carries now: where the end of this message will
        be, in bytes written to the line, and how much had come back before its answer."""
        if self.keeper is None or not self.line:
            return
        self.keeper.note(
            self.line,
            {
                "checkin": checkin.pk,
                "reminder": batch.reminder,
                "key": batch.keys[checkin.pk],
                "marked_at": note.marked_at.isoformat(),
                "end": note.end,
                "received": note.received,
                "tls": note.tls,
            },
        )

    def _send(self, checkin: CheckIn, batch: _Batch) -> None:
        """Send one check-in's message; return once the server has accepted it.

        Over SMTP the row is marked sent (`batch.marking`) as the message's end leaves,
        before the server answers; the caller undoes that if the answer is not "250".
        """
        to = checkin_email.envelope_address(checkin.client.email)
        backend = self._open()
        try:
            if isinstance(backend, SMTPBackend) and backend.connection is not None:
                _, sender = checkin_email.sender(settings.DEFAULT_FROM_EMAIL)

                def message() -> bytes:
                    return batch.build(checkin).as_bytes()

                def marking() -> contextlib.AbstractContextManager[dt.datetime | None]:
                    return batch.marking(checkin)

                def note(note: _Note) -> None:
                    self._note(checkin, batch, note)

                answer = _Answer(note)
                try:
                    _sendmail(backend.connection, sender, to, message, marking, answer)
                except Withdrawn:
                    self._hang_up()  # the server drops a message that never got its end
                    raise
                finally:
                    self.unread = answer.unread
            else:
                backend.send_messages([batch.build(checkin).as_message()])
        except smtplib.SMTPResponseException as exc:
            # SMTP errors are OSErrors too: tell a refusal of this message from a dead line.
            if exc.smtp_code >= 500:
                raise
            raise Deferred(exc.smtp_code) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise
            raise Deferred(min(codes)) from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as exc:
            self.close()
            raise MailServerDown(type(exc).__name__) from exc

    def _take_answer(self) -> None:
        """Take the server's answer off the line, now that it has been acted on (read
        before without taking it: see `_peek_answer`)."""
        unread, self.unread = self.unread, 0
        backend = self.connection
        smtp = getattr(backend, "connection", None)
        if not unread or smtp is None or smtp.sock is None:
            return
        try:
            _take(smtp.sock, unread)
        except OSError:
            self.close()

    def step(self) -> bool:
        """One round of every duty. True if there was anything to do."""
        found = False
        for duty in (self.send_due, self.send_reminders):
            if not self.stopping:
                found |= duty().found_work
        if not self.stopping:
            found |= escalation.run_due(self.worker) > 0  # alerts nobody has acknowledged
        if not self.stopping and time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + SWEEP_SECONDS
            found |= close_windows() > 0
            found |= alert_services.silent_after_intense() > 0
        return found

    def send_due(self) -> Outcome:
        send_by = self._send_by()
        return self._run(claim(due_checkins(), self.worker, self.batch), send_by, reminder=False)

    def send_reminders(self) -> Outcome:
        send_by = self._send_by()
        return self._run(claim(due_reminders(), self.worker, self.batch), send_by, reminder=True)

    @staticmethod
    def _send_by() -> float:
        """Taken before claiming, so it is early: the lease runs from a moment later."""
        return time.monotonic() + leases.lease().total_seconds() / 2

    def _run(self, ids: list[int], send_by: float, *, reminder: bool) -> Outcome:
        outcome = Outcome(claimed=ids)
        if not ids:
            return outcome
        rows = (
            CheckIn.objects.filter(pk__in=ids, lease_owner=self.worker)
            .select_related("client__practitioner", "session")
            .defer("session__private_note", "session__client_note")
            .order_by("due_at")
        )
        try:
            self._deliver(list(rows), outcome, send_by, reminder=reminder)
        except MailServerDown as exc:
            log.warning("mail server unreachable (%s); will retry", exc)
            release(ids, self.worker, dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS))
        return outcome

    def _deliver(
        self, rows: list[CheckIn], outcome: Outcome, send_by: float, *, reminder: bool
    ) -> None:
        kind = Delivery.Kind.REMINDER if reminder else Delivery.Kind.CHECKIN
        to_send = []
        for checkin in rows:
            if pauses.is_paused(checkin.client):
                if reminder or not _hold_until_resume(checkin, self.worker):
                    _finish(checkin, self.worker, reminder, cancel="paused")
                outcome.skipped += 1
            elif checkin.client.emails_stopped_at is not None:
                _finish(checkin, self.worker, reminder)  # open in the app, no email
                outcome.skipped += 1
            else:
                to_send.append(checkin)
        batch = _Batch(self.worker, kind, outcome, to_send)
        try:
            for position, checkin in enumerate(to_send):
                if self.stopping or time.monotonic() >= send_by:
                    release([c.pk for c in to_send[position:]], self.worker)
                    return
                if batch.keys[checkin.pk] in batch.already:
                    batch.accepted(checkin)  # it went before, but was never recorded as sent
                    continue
                try:
                    self._send(checkin, batch)
                except Deferred:
                    batch.not_taken(checkin)
                except Withdrawn:
                    _finish(checkin, self.worker, reminder)  # let go, if still held
                    outcome.skipped += 1
                except MailServerDown:
                    batch.not_taken(checkin)  # if it was marked: the answer never came
                    raise
                except (smtplib.SMTPException, ValueError) as exc:
                    batch.refused(checkin, exc)
                else:
                    batch.accepted(checkin)
                finally:
                    self._take_answer()
        finally:
            batch.record_sent()


class _Batch:
    """Claimed rows on their way out: each under a delivery key written before sending."""

    def __init__(self, worker: str, kind: str, outcome: Outcome, rows: list[CheckIn]) -> None:
        self.worker = worker
        self.reminder = kind == Delivery.Kind.REMINDER
        self.outcome = outcome
        self.keys = {c.pk: f"{kind}:{c.pk}" for c in rows}
        self.already = _record_intent(rows, self.keys, kind)
        self.sent: list[str] = []
        self.marked: dict[int, dt.datetime] = {}  # on the wire, recorded, no answer yet

    def build(self, checkin: CheckIn) -> checkin_email.CheckinEmail:
        return checkin_email.build(checkin, key=self.keys[checkin.pk], reminder=self.reminder)

    @contextlib.contextmanager
    def marking(self, checkin: CheckIn) -> Iterator[dt.datetime | None]:
        """Record the row as sent in a transaction that commits as the block ends; yield
        the time it is recorded with, or None if it is no longer ours (another worker holds
        it, or it was answered).

        The block writes the message's end: from then on the server takes the message
        whether or not this worker lives to hear its answer. The statement runs before,
        so all that is left between that write and the record is the commit itself.
        """
        with transaction.atomic():
            marked_at = timezone.now()
            ours = _mark(checkin.pk, self.worker, marked_at, reminder=self.reminder)
            yield marked_at if ours else None
        if ours:
            self.marked[checkin.pk] = marked_at

    def accepted(self, checkin: CheckIn) -> None:
        if self.marked.pop(checkin.pk, None) is None:
            _finish(checkin, self.worker, self.reminder)  # another backend, or sent before
        self.sent.append(self.keys[checkin.pk])
        self.outcome.sent += 1

    def not_taken(self, checkin: CheckIn) -> None:
        """The server said "not now", or the line dropped before it answered: the row waits
        a while and goes again (a line that dropped may mean a duplicate, never a loss)."""
        wait = dt.timedelta(seconds=settings.DISPATCH_RETRY_SECONDS)
        marked_at = self.marked.pop(checkin.pk, None)
        if marked_at is None:
            release([checkin.pk], self.worker, wait)
        else:
            _unmark(checkin.pk, marked_at, self.reminder, wait)

    def refused(self, checkin: CheckIn, exc: Exception) -> None:
        # Refused by the server (or an address no server would take) for this message
        # alone; the client can still answer in the app, and the practitioner sees it.
        Delivery.objects.filter(key=self.keys[checkin.pk]).update(
            state=Delivery.State.FAILED, error=type(exc).__name__
        )
        if self.marked.pop(checkin.pk, None) is None:
            _finish(checkin, self.worker, self.reminder)
        self.outcome.failed += 1

    def record_sent(self) -> None:
        if self.sent:
            Delivery.objects.filter(key__in=self.sent, state=Delivery.State.SENDING).update(
                state=Delivery.State.SENT, sent_at=timezone.now()
            )


@dataclass(frozen=True)
class _Note:
    """Where on the line a message ends (bytes written, framing included), how much had
    come back before its answer, whether the line is TLS, and when its row was marked."""

    end: int
    received: int
    tls: bool
    marked_at: dt.datetime


@dataclass
class _Answer:
    """What `_sendmail` tells its caller besides the outcome: via `note`, where on the line
    the message ends (for the keeper); in `unread`, the bytes of the server's answer that
    are still on the line, to take off once the answer has been acted on."""

    note: Callable[[_Note], None]
    unread: int = 0


def _sendmail(
    smtp: smtplib.SMTP,
    sender: str,
    to: str,
    make: Callable[[], bytes],
    marking: Callable[[], contextlib.AbstractContextManager[dt.datetime | None]],
    answer: _Answer,
) -> None:
    """smtplib's sendmail() for one recipient, with three differences.

    The message is written (by `make`) while the server checks the sender: a round trip
    that would otherwise be spent waiting. The message is written here, not by smtplib's
    data() (which reads the answer straight after): its final dot inside `marking()`,
    whose record commits as the dot has left, before the answer is read. Meanwhile the
    socket is corked (Linux): what was written waits in the kernel, which sends it even if
    this process dies, and the server is not woken to compete with the commit for the CPU.
    And just before the dot, `answer.note` is told where the dot will end, in bytes written
    to the line, so that if this process dies the keeper's copy of the line can say whether
    it left; the server's answer is read without being taken off the line (plain
    connections), so that a worker that dies before acting on it leaves it there.
    """
    smtp.ehlo_or_helo_if_needed()
    smtp.putcmd("mail", f"FROM:{smtplib.quoteaddr(sender)}")
    try:
        data = make()
    except BaseException:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.getreply()  # the answer to MAIL, then the transaction is called off
            smtp.rset()
        raise
    code, reply = smtp.getreply()
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(to)
    if code not in (250, 251):
        _reset(smtp)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    sock = smtp.sock
    tls = isinstance(sock, ssl.SSLSocket)
    before = wire.counts(sock) if sock is not None and tls else None
    code, reply = smtp.docmd("data")
    if code != 354:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, reply)
    # Over TLS each write costs a record's framing too: learnt from the DATA command's.
    after = wire.counts(sock) if before is not None and sock is not None else None
    framing = after.written - before.written - len(b"data\r\n") if after and before else 0
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    with _corked(sock):
        smtp.send(body)  # all but the end, before the database is locked for the record
        with marking() as marked_at:
            if marked_at is None:
                raise Withdrawn  # the message never gets its end: the caller hangs up
            here = wire.counts(sock) if sock is not None else None
            if here is not None:
                end = here.written + len(_END) + framing
                answer.note(_Note(end, here.received, tls, marked_at))
            smtp.send(_END)  # the end: from here on the server takes the message
    if tls or sock is None:
        code, reply = smtp.getreply()
    else:
        code, reply, answer.unread = _peek_answer(sock)
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


_END = b".\r\n"
_LONGEST_ANSWER = 4096


def _peek_answer(sock: socket.socket) -> tuple[int, bytes, int]:
    """The server's answer to a message's end, read but left on the line: its code, its
    text and its length in bytes (to take off with `_take` once it has been acted on)."""
    deadline = time.monotonic() + (sock.gettimeout() or 60.0)
    while True:
        data = sock.recv(_LONGEST_ANSWER, socket.MSG_PEEK)
        if not data:
            raise smtplib.SMTPServerDisconnected("the line closed before the answer")
        found = _final_reply(data)
        if found is not None:
            return found
        if len(data) >= _LONGEST_ANSWER or time.monotonic() > deadline:
            raise smtplib.SMTPServerDisconnected("no whole answer")
        time.sleep(0.001)  # part of it is here; the rest is on its way


def _final_reply(data: bytes) -> tuple[int, bytes, int] | None:
    """(code, text, bytes) for a complete reply at the start of `data`, else None."""
    at = 0
    lines = []
    while (eol := data.find(b"\n", at)) >= 0:
        line = data[at:eol].rstrip(b"\r")
        at = eol + 1
        lines.append(line[4:].strip())
        if line[3:4] != b"-":  # the last line of a reply: "250 OK", not "250-..."
            try:
                code = int(line[:3])
            except ValueError:
                code = -1
            return code, b"\n".join(lines), at
    return None


def _take(sock: socket.socket, size: int) -> None:
    while size > 0:
        got = sock.recv(size)
        if not got:
            raise OSError("the line closed")
        size -= len(got)


# Dot-stuffing (RFC 5321 4.5.2), as smtplib does it.
_LEADING_DOT = re.compile(rb"(?m)^\.")


@contextlib.contextmanager
def _corked(sock: socket.socket | None) -> Iterator[None]:
    """Hold back partly filled packets until the block ends (Linux's TCP_CORK).

    What is written meanwhile is the kernel's to send: if the process dies, it goes out
    as the socket closes. Where there is no cork, small writes go at once instead (no
    Nagle delay for the final dot written on its own).
    """
    cork = getattr(socket, "TCP_CORK", None)
    try:
        if sock is None:
            raise OSError("no socket")
        if cork is None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            raise OSError("no cork")
        sock.setsockopt(socket.IPPROTO_TCP, cork, 1)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, cork, 0)


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


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
    if not (cancel or reminder) and _mark_sent(checkin.pk, worker, now):
        return
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
        mine.update(**done)  # answered or withdrawn while we held it: just let go


def _mark(pk: int, worker: str, at: dt.datetime, *, reminder: bool) -> bool:
    """Record a check-in (or its reminder) as sent at `at`, if this worker still holds it
    and it is still to send. True if it did."""
    if not reminder:
        return _mark_sent(pk, worker, at)
    mine = CheckIn.objects.filter(pk=pk, lease_owner=worker, state=State.SENT)
    return bool(mine.update(reminded_at=at, lease_owner="", lease_until=None))


def _unmark(pk: int, marked_at: dt.datetime, reminder: bool, wait: dt.timedelta) -> None:
    """Undo `_mark` for a message the server did not take: due again once `wait` has gone.

    Only if the row is as that left it: still sent, unanswered, and held by nobody.
    """
    rows = CheckIn.objects.filter(pk=pk, state=State.SENT, lease_owner="")
    later = {"lease_until": timezone.now() + wait}
    with _durable():  # this one is the only record that the message must still go
        if reminder:
            rows.filter(reminded_at=marked_at).update(reminded_at=None, **later)
        else:
            rows.filter(sent_at=marked_at, reminded_at__isnull=True).update(
                state=State.SCHEDULED, sent_at=None, **later
            )


@contextlib.contextmanager
def _durable() -> Iterator[None]:
    """A transaction that is on disk when it commits, even through a power cut: where the
    worker's commits usually survive only its own death (SQLite's synchronous=NORMAL,
    PostgreSQL's synchronous_commit off), this one is flushed."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # (Inside another transaction, as in tests, that one's commit is what counts.)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            (usual,) = cursor.fetchone()
            cursor.execute("PRAGMA synchronous = FULL")
        try:
            with transaction.atomic():
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous = {int(usual)}")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = on")
        yield


def relax_commits(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """For `connection_created` in a worker: PostgreSQL commits without waiting for the disk.

    Safe against a killed worker (the server still has every commit it acknowledged, and
    one whose COMMIT was on its way); only a crash of PostgreSQL or its machine can lose
    the last moments of commits, and every record the dispatcher writes then reads as an
    older one: a row to send again, never a message lost (a task: one run again). The
    one exception, putting back a message the server did not take, commits durably all
    the same (`_durable`). It makes the commit that records a message as sent, which a
    killed worker races, several times quicker.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


def _mark_sent(pk: int, worker: str, now: dt.datetime) -> bool:
    """Scheduled -> sent, if this worker still holds the row. True if it did.

    This runs straight after the server has taken the message, and until it commits, a
    worker killed leaves that message unrecorded, to be sent again. So it is one statement
    written once, rather than an ORM update compiled afresh for every message (a fifth of
    the time on SQLite, two thirds on PostgreSQL).
    """
    sent_at = CheckIn._meta.get_field("sent_at").get_db_prep_value(now, connection)
    params = [State.SENT, sent_at, "", pk, worker, State.SCHEDULED]
    with connection.cursor() as cursor:
        cursor.execute(_mark_sent_sql(connection.vendor), params)
        return bool(cursor.rowcount > 0)


@functools.cache
def _mark_sent_sql(vendor: str) -> str:
    """The statement for this database; names from the model, every value a parameter."""
    quote = connection.ops.quote_name
    names = {f.name: quote(f.column) for f in CheckIn._meta.concrete_fields if f.column}
    table = quote(CheckIn._meta.db_table)
    state, owner = names["state"], names["lease_owner"]
    return (
        f"UPDATE {table} SET {state} = %s, {names['sent_at']} = %s, {owner} = %s, "  # noqa: S608
        f"{names['lease_until']} = NULL WHERE {names['id']} = %s AND {owner} = %s AND {state} = %s"
    )


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


def release(ids: list[int], worker: str, wait: dt.timedelta | None = None) -> None:
    leases.release(CheckIn, ids, worker, wait)


def close_windows() -> int:
    """Unanswered check-ins whose window has closed are missed; unsent stale ones lapse."""
    now = timezone.now()
    missed = CheckIn.objects.filter(state=State.SENT, closes_at__lte=now).update(state=State.MISSED)
    lapsed = leases.unleased(
        CheckIn.objects.filter(state=State.SCHEDULED, closes_at__lte=now), now
    ).update(state=State.CANCELLED, cancel_reason="lapsed")
    return missed + lapsed
