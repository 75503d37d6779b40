"""The dispatcher's edges, in-process: stopping, leases, bad addresses, and every answer a
mail server can give (250, 4xx, 5xx, a dropped line, nobody there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tend.checkins import email as checkin_email
from tend.checkins.dispatch import Dispatcher
from tend.checkins.models import CheckIn, State
from tend.lib import leases
from tend.notify.models import Delivery
from tend.notify.outbox import message_id
from tend.notify.sender import Sender
from tend.practices.models import Practitioner
from tests import smtp
from tests.notify.outbox import due
from tests.smtp import Answering, Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def delivery(checkin: CheckIn) -> Delivery:
    return Delivery.objects.get(key=f"checkin:{checkin.pk}")


def test_asked_to_stop_it_finishes_the_message_in_hand_and_gives_the_rest_back(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    rows = due(alice, *(f"c{i}@example.com" for i in range(5)))

    class StopsAfterOne(Sender):  # SIGTERM arrives while the first message is on the wire
        def send(self, sender: str, to: str, message: bytes) -> None:
            super().send(sender, to, message)
            dispatcher.stop()

    dispatcher = Dispatcher("stopping", StopsAfterOne())
    assert dispatcher.send_due() == 5  # claimed

    assert len(smtp_inbox.messages) == 1
    assert dispatcher.send_due() == 0  # nothing more once stopping
    left = CheckIn.objects.filter(pk__in=[r.pk for r in rows], state=State.SCHEDULED)
    assert left.count() == 4
    assert set(left.values_list("lease_owner", "lease_until")) == {("", None)}
    sent = Delivery.objects.get(state=Delivery.State.SENT)
    assert smtp_inbox.messages[0]["Message-ID"] == message_id(sent.key)
    # The rest were never handed to a server, and their rows say so.
    assert set(Delivery.objects.exclude(pk=sent.pk).values_list("state", "attempts")) == {
        (Delivery.State.QUEUED, 0)
    }

    run_worker("another")  # another worker at once: nothing to wait out
    assert len(smtp_inbox.messages) == 5
    assert len({m["Message-ID"] for m in smtp_inbox.messages}) == 5
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 5


def test_rows_a_dead_worker_held_go_once_its_short_lease_has_run_out(
    alice: Practitioner, smtp_inbox: Inbox, settings: Any
) -> None:
    assert settings.DISPATCH_LEASE_SECONDS == 15
    rows = due(alice, "a@example.com", "b@example.com")
    now = timezone.now()
    leases.claim(CheckIn.objects.filter(pk__in=[r.pk for r in rows]), "dead", 10, "due_at")

    run_worker("alive")
    assert smtp_inbox.messages == []  # still held

    with time_machine.travel(now + dt.timedelta(seconds=16)):
        run_worker("alive")
    assert sorted(str(m["To"]) for m in smtp_inbox.messages) == ["a@example.com", "b@example.com"]


def test_a_live_worker_renews_its_lease_as_it_goes(
    alice: Practitioner, smtp_inbox: Inbox, settings: Any
) -> None:
    rows = due(alice, "a@example.com", "b@example.com", "c@example.com")
    start = timezone.now()
    seen: list[dt.datetime] = []

    class Slow(Sender):  # each message takes 6 s of a 15 s lease
        def send(self, sender: str, to: str, message: bytes) -> None:
            clock.shift(dt.timedelta(seconds=6))
            held = CheckIn.objects.filter(pk=rows[2].pk).values_list("lease_until", flat=True)
            seen.append(held.get())
            super().send(sender, to, message)

    with time_machine.travel(start, tick=False) as clock:
        Dispatcher("slow", Slow()).send_due()

    assert len(smtp_inbox.messages) == 3
    assert seen[0] < seen[-1], "the last row's lease was never renewed"
    assert all(until is not None and until > start for until in seen)


def test_an_address_no_server_would_take_fails_alone(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    bad, good = due(alice, "dána@example.com", "dana@example.com")

    run_worker()

    assert [m["To"] for m in smtp_inbox.messages] == ["dana@example.com"]
    failed = delivery(bad)
    assert (failed.state, failed.error) == (Delivery.State.FAILED, "cannot be written (ValueError)")
    assert failed.attempts == 0
    assert delivery(good).state == Delivery.State.SENT


def test_a_message_that_cannot_be_written_is_called_off_and_the_next_goes(
    alice: Practitioner, smtp_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = due(alice, "broken@example.com", "fine@example.com")
    build = checkin_email.build

    def build_or_fail(checkin: CheckIn, **kwargs: Any) -> Any:
        if checkin.pk == broken.pk:
            raise ValueError("cannot be written")
        return build(checkin, **kwargs)

    monkeypatch.setattr(checkin_email, "build", build_or_fail)
    run_worker()

    assert [m["To"] for m in smtp_inbox.messages] == ["fine@example.com"]
    assert delivery(broken).state == Delivery.State.FAILED
    assert delivery(fine).state == Delivery.State.SENT


def refuses_some() -> smtp.Refusing:
    """A server that refuses one address for good (550) and defers another (450)."""
    return smtp.Refusing(
        answers={"gone@": "550 No such mailbox", "later@": "450 Mailbox busy, try later"}
    )


def test_one_refused_address_fails_alone_and_everyone_else_still_hears(
    alice: Practitioner, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with smtp.serving(refuses_some(), settings) as inbox:
        _first, gone, later, _last = due(
            alice, "first@example.com", "gone@example.com", "later@example.com", "z@example.com"
        )
        Dispatcher("refusals", Sender()).send_due()

    received = sorted(str(m["To"]) for m in inbox.messages)
    assert received == ["first@example.com", "z@example.com"]
    failed = delivery(gone)
    assert (failed.state, failed.error) == (Delivery.State.FAILED, "550 No such mailbox")
    gone.refresh_from_db()
    assert gone.state == State.SENT  # open in the app; the practitioner hears of the failure
    later.refresh_from_db()
    # A deferral is not a failure: the row waits for a later round, and says why.
    assert later.state == State.SCHEDULED
    waiting = delivery(later)
    assert (waiting.state, waiting.error, waiting.attempts) == (
        Delivery.State.QUEUED,
        "450 Mailbox busy, try later",
        1,
    )
    assert waiting.trouble_since is not None
    # Each refusal is logged once, with its code and the server's words, never the message.
    logged = [r.getMessage() for r in caplog.records if r.name == "tend.notify.record"]
    assert sorted(logged) == [
        f"email checkin:{gone.pk} refused: 550 No such mailbox",
        f"email checkin:{later.pk} not taken: 450 Mailbox busy, try later",
    ]


def test_not_now_after_the_final_dot_puts_it_back_and_it_goes_later_with_its_message_id(
    alice: Practitioner, settings: Any
) -> None:
    with smtp.serving(Answering(answers=["451 Try again later"]), settings) as inbox:
        [checkin] = due(alice, "dana@example.com")
        run_worker()
        checkin.refresh_from_db()
        assert (checkin.state, inbox.messages) == (State.SCHEDULED, [])
        assert delivery(checkin).error == "451 Try again later"

        with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
            run_worker()

    [message] = inbox.messages
    assert message["Message-ID"] == message_id(f"checkin:{checkin.pk}")
    checkin.refresh_from_db()
    assert checkin.state == State.SENT
    row = delivery(checkin)
    assert (row.state, row.attempts, row.error, row.trouble_since) == (
        Delivery.State.SENT,
        2,
        "",
        None,
    )


def test_a_line_that_drops_before_the_answer_means_a_resend_never_a_loss(
    alice: Practitioner, settings: Any
) -> None:
    with smtp.serving(Answering(answers=["drop"]), settings) as inbox:
        [checkin] = due(alice, "dana@example.com")
        run_worker()
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
            run_worker()

    # The server had taken it before the line dropped: it arrives twice, as one message.
    assert [m["Message-ID"] for m in inbox.messages] == [message_id(f"checkin:{checkin.pk}")] * 2
    checkin.refresh_from_db()
    assert checkin.state == State.SENT
    assert (delivery(checkin).state, delivery(checkin).attempts) == (Delivery.State.SENT, 2)


def test_with_no_mail_server_everything_waits_and_goes_once_it_answers(
    alice: Practitioner, settings: Any
) -> None:
    rows = due(alice, "a@example.com", "b@example.com")
    run_worker()  # the default test mailer points at a port nobody listens on

    assert set(CheckIn.objects.values_list("state", "lease_owner")) == {(State.SCHEDULED, "")}
    first = delivery(rows[0])
    assert (first.state, first.attempts) == (Delivery.State.QUEUED, 0)  # nothing handed over
    assert first.error.startswith("cannot reach the mail server")

    later = timezone.now() + dt.timedelta(seconds=31)
    with smtp.serving(Inbox(), settings) as inbox, time_machine.travel(later):
        run_worker()
    assert sorted(str(m["To"]) for m in inbox.messages) == ["a@example.com", "b@example.com"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_a_check_in_whose_window_closed_while_no_worker_ran_lapses_unsent(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    [stale] = due(alice, "stale@example.com")
    CheckIn.objects.filter(pk=stale.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    run_worker()
    stale.refresh_from_db()
    assert smtp_inbox.messages == []
    assert (stale.state, stale.cancel_reason) == (State.CANCELLED, "lapsed")
