"""Every line that states a fact worked out from the data is there only when it is true.

Each test sets the data up both ways and looks at the page a person reads.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from tend.alerts import services as alerts
from tend.alerts.models import Kind, Level
from tend.checkins import services as checkins
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.clients import pauses
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def client_page(http: HttpClient, client: Client) -> str:
    return visible(http.get(reverse("clients:detail", args=[client.pk])))


def sent_followup(client: Client, *, hours_ago: int = 3) -> CheckIn:
    """A follow-up check-in that went out `hours_ago` hours ago, after a session."""
    now = timezone.now()
    session = factories.SessionFactory(client=client, starts_at=now - dt.timedelta(days=1))
    return CheckIn.objects.create(
        practice=client.practice,
        client=client,
        session=session,
        state=State.SENT,
        sequence=1,
        due_at=now - dt.timedelta(hours=hours_ago),
        sent_at=now - dt.timedelta(hours=hours_ago),
        answered_at=None,
        activation=None,
    )


def delivery(checkin: CheckIn, kind: str, state: str = Delivery.State.SENT) -> Delivery:
    return Delivery.objects.create(
        practice_id=checkin.practice_id,
        client_id=checkin.client_id,
        key=f"{kind}:{checkin.pk}",
        kind=kind,
        state=state,
    )


# The client's page: how each follow-up went


EMAILS_OFF = "(in the app only: the client turned emails off)"


def test_emails_off_is_said_only_while_the_client_has_them_off(
    as_alice: HttpClient, dana: Client
) -> None:
    pauses.stop_emails(dana)
    Client.objects.filter(pk=dana.pk).update(
        emails_stopped_at=timezone.now() - dt.timedelta(days=1)
    )
    sent_followup(dana)
    assert EMAILS_OFF in client_page(as_alice, dana)

    pauses.restart_emails(dana)

    page = client_page(as_alice, dana)
    assert EMAILS_OFF not in page
    assert "(in the app only: no email was sent)" in page


def test_emails_off_is_not_said_of_a_check_in_that_was_emailed(
    as_alice: HttpClient, dana: Client
) -> None:
    checkin = sent_followup(dana)
    delivery(checkin, Delivery.Kind.CHECKIN)

    page = client_page(as_alice, dana)

    assert "in the app only" not in page
    # Turned off after it went out: it was still emailed.
    pauses.stop_emails(dana)
    assert "in the app only" not in client_page(as_alice, dana)


def test_reminded_once_only_when_a_reminder_went(as_alice: HttpClient, dana: Client) -> None:
    checkin = sent_followup(dana, hours_ago=30)
    delivery(checkin, Delivery.Kind.CHECKIN)
    # A reminder that was skipped (a pause began) still marks its time; nothing went out.
    CheckIn.objects.filter(pk=checkin.pk).update(reminded_at=timezone.now())
    assert "reminded once" not in client_page(as_alice, dana)

    delivery(checkin, Delivery.Kind.REMINDER)

    assert "(reminded once)" in client_page(as_alice, dana)


def test_a_failed_email_is_said_only_when_every_try_failed(
    as_alice: HttpClient, dana: Client
) -> None:
    checkin = sent_followup(dana)
    failed = delivery(checkin, Delivery.Kind.CHECKIN, Delivery.State.FAILED)
    assert "(the email could not be delivered)" in client_page(as_alice, dana)

    Delivery.objects.filter(pk=failed.pk).update(state=Delivery.State.SENT)

    assert "could not be delivered" not in client_page(as_alice, dana)


# The client's page: who acknowledged an alert


def test_acknowledged_by_names_someone_only_when_someone_is_known(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    alert = alerts.open_alert(dana, Kind.CONTACT, Level.NORMAL, {})
    page = client_page(as_alice, dana)
    assert "open for" in page
    assert "acknowledged" not in page

    alerts.acknowledge([alert], alice)
    assert "acknowledged by Alice Moreno" in client_page(as_alice, dana)

    type(alert).objects.filter(pk=alert.pk).update(acknowledged_by=None)  # they have left
    page = client_page(as_alice, dana)
    assert "acknowledged by" not in page
    assert "acknowledged" in page


# The alert page: who has it


def test_with_names_the_holder_only_while_the_alert_is_open(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    colleague = factories.PractitionerFactory(practice=alice.practice, name="Colm Byrne")
    alert = alerts.open_alert(dana, Kind.CONTACT, Level.NORMAL, {})
    type(alert).objects.filter(pk=alert.pk).update(responsible=colleague)
    url = reverse("alerts:detail", args=[alert.pk])
    page = visible(as_alice.get(url))
    assert "With Colm Byrne" in page
    assert "Acknowledged Alice" not in page

    alert.refresh_from_db()
    alerts.acknowledge([alert], alice)

    page = visible(as_alice.get(url))
    assert "With Colm Byrne" not in page
    assert "Acknowledged Alice Moreno" in page


# The client list: the last check-in


def test_the_last_check_in_counts_a_later_answer(as_alice: HttpClient, dana: Client) -> None:
    checkin = sent_followup(dana)
    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.TENDER)
    CheckIn.objects.filter(pk=checkin.pk).update(
        answered_at=timezone.now() - dt.timedelta(days=3),
        quick_history=[],
    )
    rows = visible(as_alice.get(reverse("clients:list")))
    assert "Dana Fox 3 days ago" in rows

    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.REACH_OUT)

    rows = visible(as_alice.get(reverse("clients:list")))
    assert "Dana Fox just now" in rows


# The client's own page: "Seen by"


def test_seen_is_shown_to_the_client_only_for_what_was_seen(
    as_alice: HttpClient, dana: Client
) -> None:
    checkin = sent_followup(dana)
    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.TENDER)
    home = signed_in_as(dana)
    assert "Seen by" not in visible(home.get(reverse("checkins:home")))

    as_alice.post(reverse("checkins:seen", args=[checkin.pk]))
    assert "Seen by Alice Moreno" in visible(home.get(reverse("checkins:home")))

    # A later, different answer has not been seen yet.
    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.OVERWHELMED)
    assert "Seen by" not in visible(home.get(reverse("checkins:home")))

    as_alice.post(reverse("checkins:seen", args=[checkin.pk]))
    assert "Seen by Alice Moreno" in visible(home.get(reverse("checkins:home")))


def test_the_clients_list_of_check_ins_shows_their_latest_tap(dana: Client) -> None:
    checkin = sent_followup(dana)
    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.TENDER)
    home = signed_in_as(dana)
    assert "“tender”" in visible(home.get(reverse("checkins:home")))

    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer=QuickAnswer.REACH_OUT)

    page = visible(home.get(reverse("checkins:home")))
    assert "“please reach out”" in page
    assert "“tender”" not in page
