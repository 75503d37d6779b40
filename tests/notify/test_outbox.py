"""Emails written ahead (sign-in links, replies, alerts, password resets): written in the
request's transaction, sent by the worker through the one sender; mail trouble is seen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone

from tend.alerts import mail_health, reachability, reasons
from tend.alerts.models import Alert, Kind
from tend.clients import links
from tend.clients.models import Client
from tend.notify import drain, heartbeat, outbox
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import factories, smtp
from tests.notify.outbox import due
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def test_an_email_is_written_with_its_transaction_and_never_without_it(dana: Client) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        links.fresh_link_send(client=dana)
        raise RuntimeError("the request failed after asking for the email")
    assert not Delivery.objects.exists()

    links.fresh_link_send(client=dana)
    row = Delivery.objects.get()
    assert (row.kind, row.state, row.client_id, row.practice_id) == (
        Delivery.Kind.SIGN_IN,
        Delivery.State.QUEUED,
        dana.pk,
        dana.practice_id,
    )
    # The message (and the sign-in link in it) is encrypted at rest, and only until sent.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM notify_delivery")
        (stored,) = cursor.fetchone()
    assert "/c/signin/" not in stored and "Dana" not in stored
    assert b"/c/signin/" in outbox.raw(row)


def test_the_same_key_twice_is_one_email(dana: Client, smtp_inbox: Inbox) -> None:
    for _ in range(2):
        outbox.email(
            "clients/emails/sign_in",
            to=dana.email,
            language="en",
            context={"client": {"name": "Dana"}, "url": "http://x/"},
            kind=Delivery.Kind.SIGN_IN,
            key="sign_in:once",
        )
    run_worker()
    [message] = smtp_inbox.messages
    assert message["Message-ID"] == outbox.message_id("sign_in:once")


def test_djangos_mail_api_lands_in_the_outbox_and_the_worker_sends_it(
    smtp_inbox: Inbox,
) -> None:
    mail.send_mail("Hello", "Plain words.", None, ["eli@example.com", "fai@example.com"])
    assert smtp_inbox.messages == []  # nothing talked to SMTP in the request
    assert Delivery.objects.filter(kind=Delivery.Kind.ACCOUNT).count() == 2

    run_worker()
    assert sorted(str(m["To"]) for m in smtp_inbox.messages) == [
        "eli@example.com",
        "fai@example.com",
    ]
    assert set(Delivery.objects.values_list("state", "message")) == {("sent", "")}


def not_now() -> smtp.Refusing:
    return smtp.Refusing(answers={"": "451 Greylisted, try again later"})


def test_not_now_waits_longer_each_time_and_a_day_of_it_fails_the_email(
    dana: Client, settings: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        links.fresh_link_send(client=dana)
    waits = []
    with smtp.serving(not_now(), settings):
        moment = start
        for _ in range(4):
            with time_machine.travel(moment, tick=False):
                run_worker()
            row = Delivery.objects.get()
            assert row.state == Delivery.State.QUEUED
            assert row.error == "451 Greylisted, try again later"
            assert row.due_at is not None
            waits.append(round((row.due_at - moment).total_seconds() / 60))
            moment = row.due_at
        assert waits == [1, 2, 4, 8]
        with time_machine.travel(start + drain.GIVE_UP + dt.timedelta(minutes=31), tick=False):
            run_worker()
    row = Delivery.objects.get()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 5)
    assert row.failed_at is not None


def test_a_client_email_refused_for_good_opens_an_alert_the_practitioner_sees(
    alice: Practitioner, as_alice: HttpClient, settings: Any
) -> None:
    sofia = factories.ClientFactory(practitioner=alice, name="Sofía Ruiz", email="sofia@x.org")
    with smtp.serving(smtp.Refusing(answers={"": "550 No such mailbox here"}), settings):
        links.fresh_link_send(client=sofia)
        run_worker()

    alert = Alert.objects.get(client=sofia)
    assert (alert.kind, alert.level, alert.state) == (Kind.UNREACHABLE, "normal", "open")
    reason = reasons.reason(alert)
    assert (
        reason
        == "Tend couldn't reach them by email (the mail server said “550 No such mailbox here”)"
    )
    page = as_alice.get("/").content.decode()
    assert "Sofía Ruiz" in page
    assert "couldn" in page and "reach them by email" in page

    # Once is enough: the same trouble does not open it again.
    assert reachability.open_alerts() == 0
    assert Alert.objects.filter(client=sofia).count() == 1


def test_an_hour_of_not_now_opens_the_alert_too_but_a_minute_does_not(
    alice: Practitioner, settings: Any
) -> None:
    [checkin] = due(alice, "later@example.com")
    with smtp.serving(not_now(), settings):
        run_worker()
    assert reachability.open_alerts() == 0  # a passing delay is not a reason to worry

    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        assert reachability.open_alerts() == 1
    alert = Alert.objects.get(client_id=checkin.client_id)
    assert alert.kind == Kind.UNREACHABLE


def test_admins_are_told_on_every_page_when_no_email_has_gone_for_15_minutes(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    notice = "No email has gone out for 15 minutes"
    admin = factories.PractitionerFactory(practice=alice.practice, role=Practitioner.Role.ADMIN)
    as_admin = HttpClient()
    as_admin.force_login(admin)
    [checkin] = due(alice, "waiting@example.com")

    assert notice not in as_admin.get("/").content.decode()  # due a minute ago: not yet
    later = timezone.now() + dt.timedelta(minutes=16)
    with time_machine.travel(later):
        heartbeat.beat("w1", timezone.now())  # a worker runs; the mail server is the trouble
        assert mail_health.stalled(alice.practice_id)
        for page in ("/", "/clients/", f"/clients/{checkin.client_id}/"):
            assert notice in as_admin.get(page).content.decode(), page
        assert notice not in as_alice.get("/").content.decode()  # admins only

        # An email that went out in the last 15 minutes means mail is moving.
        Delivery.objects.create(key="x:1", kind="checkin", state="sent", sent_at=timezone.now())
        assert not mail_health.stalled(alice.practice_id)
        assert notice not in as_admin.get("/").content.decode()


def test_nothing_waiting_means_no_notice_however_quiet_it_is(alice: Practitioner) -> None:
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert not mail_health.stalled(alice.practice_id)


def test_an_email_a_dead_worker_was_sending_goes_again_with_its_message_id(
    dana: Client, smtp_inbox: Inbox
) -> None:
    links.fresh_link_send(client=dana)
    row = Delivery.objects.get()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # A worker claimed it and handed it to the server, then died before the answer.
        assert drain.due(start).count() == 1
        from tend.lib import leases
        from tend.notify import record

        leases.claim(drain.due(start), "died", 10, "due_at")
        record.sending(row.key)
        run_worker("alive")
    assert smtp_inbox.messages == []  # its lease still runs
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.SENDING, 1)

    with time_machine.travel(start + dt.timedelta(seconds=16), tick=False):
        run_worker("alive")
    [message] = smtp_inbox.messages
    assert message["Message-ID"] == outbox.message_id(row.key)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.SENT, 2)
