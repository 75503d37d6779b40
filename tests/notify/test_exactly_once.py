"""The end of a message and its record: what the server answers after the final dot.

The row is recorded as sent in the moment the message's end leaves, before the server's
answer is read (see tend/notify/dispatch.py). These run the dispatcher in-process against
a real SMTP server on loopback that answers the end of a message as told.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.notify import checkin_email, dispatch
from tend.notify.dispatch import Dispatcher
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import smtp
from tests.notify.outbox import drain, due

pytestmark = pytest.mark.django_db


@dataclass
class Answering(smtp.Answering):
    """As tests/smtp.py's, and notes the row's state as each message reaches it."""

    # The row's state as the server handled each message, when `watch` is set.
    seen_states: list[str] = field(default_factory=list)
    watch: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.watch is not None:
            self.seen_states.append(await asyncio.to_thread(_state_of, self.watch))
        return await super().handle_DATA(server, session, envelope)


def _state_of(pk: int) -> str:
    try:
        return str(CheckIn.objects.values_list("state", flat=True).get(pk=pk))
    finally:
        connection.close()


@pytest.fixture
def server(settings: Any) -> Iterator[Answering]:
    settings.DISPATCH_RETRY_SECONDS = 60
    with smtp.serving(Answering(), settings) as inbox:
        yield inbox


def ids_at(inbox: Answering) -> list[str]:
    return [str(m["Message-ID"]) for m in inbox.messages]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not hasattr(socket, "TCP_CORK"), reason="the order is kept by TCP_CORK")
def test_the_row_is_recorded_sent_before_the_server_has_handled_the_message(
    alice: Practitioner, server: Answering
) -> None:
    [checkin] = due(alice, "dana@example.com")
    server.watch = checkin.pk

    drain()

    assert server.seen_states == [State.SENT]  # committed before the server saw the end
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
    assert Delivery.objects.get(checkin=checkin).state == Delivery.State.SENT


@pytest.mark.django_db(transaction=True)  # the put-back commits on its own, flushed
def test_not_now_after_the_final_dot_puts_the_row_back_and_it_goes_once_later(
    alice: Practitioner, server: Answering, settings: Any
) -> None:
    first, second = due(alice, "dana@example.com", "eli@example.com")
    server.answers = ["451 4.3.0 try again later"]

    drain()

    assert [m["To"] for m in server.messages] == ["eli@example.com"]
    first.refresh_from_db()
    assert (first.state, first.sent_at, first.lease_owner) == (State.SCHEDULED, None, "")
    assert first.lease_until is not None and first.lease_until > timezone.now()
    assert Delivery.objects.get(checkin=first).state == Delivery.State.SENDING

    CheckIn.objects.filter(pk=first.pk).update(lease_until=timezone.now())  # the wait is over
    drain()

    assert ids_at(server) == [
        checkin_email.message_id(f"checkin:{second.pk}"),
        checkin_email.message_id(f"checkin:{first.pk}"),
    ]
    first.refresh_from_db()
    assert first.state == State.SENT
    assert Delivery.objects.get(checkin=first).state == Delivery.State.SENT


def test_refused_after_the_final_dot_the_delivery_failed_and_the_app_still_has_it(
    alice: Practitioner, server: Answering
) -> None:
    [checkin] = due(alice, "dana@example.com")
    server.answers = ["554 5.7.1 no thank you"]

    drain()

    assert server.messages == []
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
    failed = Delivery.objects.get(checkin=checkin)
    assert (failed.state, failed.error) == (Delivery.State.FAILED, "SMTPDataError")


def test_a_line_that_drops_before_the_answer_means_a_resend_never_a_loss(
    alice: Practitioner, server: Answering, settings: Any
) -> None:
    [checkin] = due(alice, "dana@example.com")
    server.answers = ["drop"]
    settings.DISPATCH_RETRY_SECONDS = 0

    drain()

    # The server had taken it but never said so: it goes again, the same message.
    assert ids_at(server) == [checkin_email.message_id(f"checkin:{checkin.pk}")] * 2
    checkin.refresh_from_db()
    assert (checkin.state, checkin.lease_owner) == (State.SENT, "")
    assert Delivery.objects.get(checkin=checkin).state == Delivery.State.SENT


class AnsweredOnTheWay(Dispatcher):
    """The first client answers in the app while their email is being written."""

    answered: int | None = None

    def _send(self, checkin: CheckIn, batch: Any) -> None:
        if self.answered is None:
            self.answered = checkin.pk
            CheckIn.objects.filter(pk=checkin.pk).update(
                state=State.ANSWERED, answered_at=timezone.now()
            )
        super()._send(checkin, batch)


def test_a_check_in_answered_while_its_email_is_on_the_way_is_not_finished(
    alice: Practitioner, server: Answering
) -> None:
    first, second = due(alice, "dana@example.com", "eli@example.com")
    dispatcher = AnsweredOnTheWay("test")

    outcome = dispatcher.send_due()
    dispatcher.close()

    # The half-written message never got its end, so the server dropped it; the next
    # one went over a new connection.
    assert [m["To"] for m in server.messages] == ["eli@example.com"]
    assert (outcome.sent, outcome.skipped) == (1, 1)
    first.refresh_from_db()
    assert (first.state, first.lease_owner, first.sent_at) == (State.ANSWERED, "", None)
    assert CheckIn.objects.get(pk=second.pk).state == State.SENT


def test_the_worker_commits_without_waiting_for_the_disk_on_postgresql() -> None:
    dispatch.relax_commits(None, connection)
    if connection.vendor != "postgresql":
        return  # SQLite runs with synchronous=NORMAL already
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SET synchronous_commit = on")
