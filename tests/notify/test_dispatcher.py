"""The dispatcher's edges, in-process: stopping, an expiring lease, a bad address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.notify import checkin_email
from tend.notify.dispatch import Dispatcher
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import smtp
from tests.notify.outbox import drain, due
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db


class StopsAfterOne(Dispatcher):
    """Asked to stop (as by SIGTERM) while its first message is on the wire."""

    def _send(self, checkin: CheckIn, batch: Any) -> None:
        super()._send(checkin, batch)
        self.stop()


def test_asked_to_stop_it_finishes_the_message_in_hand_and_gives_the_rest_back(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    rows = due(alice, *(f"c{i}@example.com" for i in range(5)))
    dispatcher = StopsAfterOne("stopping")

    outcome = dispatcher.send_due()
    dispatcher.close()

    assert (outcome.sent, len(smtp_inbox.messages)) == (1, 1)
    assert not dispatcher.step()  # nothing more once stopping
    left = CheckIn.objects.filter(pk__in=[r.pk for r in rows], state=State.SCHEDULED)
    assert left.count() == 4
    assert set(left.values_list("lease_owner", "lease_until")) == {("", None)}
    sent = Delivery.objects.get(state=Delivery.State.SENT)
    assert smtp_inbox.messages[0]["Message-ID"] == checkin_email.message_id(sent.key)

    drain("another")  # another worker at once: nothing to wait out, nothing counted as sent unsent
    assert len(smtp_inbox.messages) == 5
    assert len({m["Message-ID"] for m in smtp_inbox.messages}) == 5
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 5


def test_a_worker_starts_no_message_once_half_its_lease_has_gone(
    alice: Practitioner, smtp_inbox: Inbox, settings: Any
) -> None:
    rows = due(alice, "a@example.com", "b@example.com")
    settings.DISPATCH_LEASE_SECONDS = 0  # gone before it begins

    outcome = Dispatcher("slow").send_due()

    assert (outcome.claimed, outcome.sent) == ([r.pk for r in rows], 0)
    assert smtp_inbox.messages == []
    assert set(CheckIn.objects.values_list("state", "lease_owner", "lease_until")) == {
        (State.SCHEDULED, "", None)
    }
    settings.DISPATCH_LEASE_SECONDS = 120
    drain("another")
    assert len(smtp_inbox.messages) == 2


def test_an_address_no_server_would_take_fails_alone(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    bad, good = due(alice, "dána@example.com", "dana@example.com")

    drain("another")

    assert [m["To"] for m in smtp_inbox.messages] == ["dana@example.com"]
    failed = Delivery.objects.get(checkin=bad)
    assert (failed.state, failed.error) == (Delivery.State.FAILED, "ValueError")
    assert Delivery.objects.get(checkin=good).state == Delivery.State.SENT


def test_any_other_mail_backend_gets_a_django_message(alice: Practitioner, settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    [checkin] = due(alice, "dana@example.com")

    drain("another")

    [message] = mail.outbox
    assert message.to == ["dana@example.com"]
    assert message.extra_headers["Message-ID"] == checkin_email.message_id(f"checkin:{checkin.pk}")
    checkin.refresh_from_db()
    assert checkin.state == State.SENT


def test_a_message_that_cannot_be_written_is_called_off_and_the_next_goes(
    alice: Practitioner, smtp_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = due(alice, "broken@example.com", "fine@example.com")
    build = checkin_email.build

    def build_or_fail(checkin: CheckIn, **kwargs: Any) -> checkin_email.CheckinEmail:
        if checkin.pk == broken.pk:  # by then the server has been told who it is from
            raise ValueError("cannot be written")
        return build(checkin, **kwargs)

    monkeypatch.setattr(checkin_email, "build", build_or_fail)
    drain("another")

    assert [m["To"] for m in smtp_inbox.messages] == ["fine@example.com"]
    assert Delivery.objects.get(checkin=broken).state == Delivery.State.FAILED
    assert Delivery.objects.get(checkin=fine).state == Delivery.State.SENT


class RefusesSome(Inbox):
    """A server that refuses one address for good (550) and defers another (450)."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("gone@"):
            return "550 No such mailbox"
        if address.startswith("later@"):
            return "450 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_one_refused_address_fails_alone_and_everyone_else_still_hears(
    alice: Practitioner, settings: Any
) -> None:
    with smtp.serving(RefusesSome(), settings) as inbox:
        _first, gone, later, _last = due(
            alice, "first@example.com", "gone@example.com", "later@example.com", "z@example.com"
        )
        dispatcher = Dispatcher("refusals")
        dispatcher.step()
        dispatcher.close()

    received = sorted(str(m["To"]) for m in inbox.messages)
    assert received == ["first@example.com", "z@example.com"]
    assert Delivery.objects.get(checkin=gone).state == Delivery.State.FAILED
    gone.refresh_from_db()
    assert gone.state == State.SENT  # open in the app; the practitioner sees the failure
    later.refresh_from_db()
    # A deferral is not a failure: the row waits for the next round.
    assert later.state == State.SCHEDULED
    assert not Delivery.objects.filter(checkin=later, state=Delivery.State.FAILED).exists()


def test_a_check_in_whose_window_closed_while_no_worker_ran_lapses_unsent(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    [stale] = due(alice, "stale@example.com")
    CheckIn.objects.filter(pk=stale.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    drain("another")
    stale.refresh_from_db()
    assert smtp_inbox.messages == []
    assert (stale.state, stale.cancel_reason) == (State.CANCELLED, "lapsed")
