"""The client sees that they were seen, and any reply, in Tend and by email."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tend.alerts import services
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.checkins import services as checkins
from tend.checkins.models import CheckIn, Reply
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import smtp
from tests.conftest import signed_in_as
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def answer(client: Client, **data: object) -> CheckIn:
    fields = {"activation": 8, "wants_contact": "yes", "note": "", "need": "", **data}
    return checkins.checkin_answer(client=client, data=fields)


def test_a_check_in_marked_seen_shows_the_client_who_saw_it(
    as_alice: HttpClient, carmen: Client
) -> None:
    checkin = answer(carmen)
    client_page = signed_in_as(carmen)
    assert "Visto por" not in client_page.get(reverse("checkins:home")).content.decode()

    assert as_alice.get(reverse("checkins:detail", args=[checkin.pk])).status_code == 200
    assert "Visto por" not in client_page.get(reverse("checkins:home")).content.decode()
    assert as_alice.post(reverse("checkins:seen", args=[checkin.pk])).status_code == 302

    page = client_page.get(reverse("checkins:home")).content.decode()
    assert "Visto por Alice Moreno" in page


def test_a_reply_reaches_the_client_in_tend_and_by_email_in_their_language(
    as_alice: HttpClient,
    carmen: Client,
    smtp_inbox: smtp.Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    checkin = answer(carmen)
    words = "Gracias por contármelo. Te llamo esta tarde."
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("alerts:reply", args=[checkin.pk]), {"reply": words})
    queued = str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert "contármelo" not in queued  # the queue holds the reply's id, never its words
    run_worker()  # what the worker does next
    assert response.status_code == 302

    page = signed_in_as(carmen).get(reverse("checkins:home")).content.decode()
    assert words in page
    assert "Alice Moreno escribió" in page
    [email] = smtp_inbox.to("carmen@example.com")
    assert "Alice Moreno te ha escrito" in email["Subject"]
    assert words in smtp.Inbox.text(email)
    # The open alert records the reply; the answer is now seen.
    alert = Alert.objects.get(client=carmen, kind=Kind.CONTACT)
    assert alert.events.filter(action=AlertEvent.Action.REPLIED).count() == 1
    checkin.refresh_from_db()
    assert checkin.seen_at is not None


def test_acknowledging_with_a_reply_from_the_queue(
    as_alice: HttpClient,
    carmen: Client,
    smtp_inbox: smtp.Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answer(carmen)
    url = reverse("alerts:acknowledge", args=[carmen.pk])
    with django_capture_on_commit_callbacks(execute=True):
        as_alice.post(url, {"reply": "Estoy aquí. Hablamos mañana a las diez."})
    run_worker()
    assert not Alert.objects.filter(client=carmen, state=AlertState.OPEN).exists()
    assert len(smtp_inbox.to("carmen@example.com")) == 1
    assert Reply.objects.get().body == "Estoy aquí. Hablamos mañana a las diez."


def test_an_empty_reply_says_so_and_sends_nothing(
    as_alice: HttpClient, carmen: Client, smtp_inbox: smtp.Inbox
) -> None:
    checkin = answer(carmen)
    response = as_alice.post(reverse("alerts:reply", args=[checkin.pk]), {"reply": "   "})
    assert response.status_code == 400
    assert "Write a few words to send." in response.content.decode()
    assert not Reply.objects.exists()
    assert smtp_inbox.messages == []


def test_a_reply_is_kept_encrypted(as_alice: HttpClient, carmen: Client) -> None:
    checkin = answer(carmen)
    as_alice.post(reverse("alerts:reply", args=[checkin.pk]), {"reply": "Un abrazo fuerte"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM checkins_reply")
        [(raw,)] = cursor.fetchall()
    assert "abrazo" not in raw


def test_resolving_needs_acknowledging_first_and_keeps_a_note(
    as_alice: HttpClient, alice: Practitioner, carmen: Client
) -> None:
    alert = services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})
    url = reverse("alerts:resolve", args=[alert.pk])
    as_alice.post(url, {"note": "Called"})
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN

    services.acknowledge([alert], alice)
    as_alice.post(url, {"note": "Called her; she is with her sister tonight."})
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED
    assert alert.resolution == "Called her; she is with her sister tonight."
    page = as_alice.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "with her sister" in page
    actions = list(alert.events.values_list("action", flat=True))
    assert actions[0] == "opened" and actions[-2:] == ["acknowledged", "resolved"]


def test_an_acknowledged_alert_cannot_be_acknowledged_twice(
    alice: Practitioner, carmen: Client
) -> None:
    alert = services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})
    assert services.acknowledge([alert], alice) == [alert]
    assert services.acknowledge([alert], alice) == []
    assert alert.events.filter(action="acknowledged").count() == 1


def test_opening_a_check_in_records_nothing_its_button_or_script_marks_it_seen(
    as_alice: HttpClient, carmen: Client
) -> None:
    checkin = answer(carmen)
    page = as_alice.get(reverse("checkins:detail", args=[checkin.pk]))
    checkin.refresh_from_db()
    assert checkin.seen_at is None  # a GET changes nothing
    body = page.content.decode()
    assert f'action="{reverse("checkins:seen", args=[checkin.pk])}"' in body
    assert "Mark seen" in body
    assert "seen.js" in body

    by_script = as_alice.post(
        reverse("checkins:seen", args=[checkin.pk]), headers={"X-Requested-With": "fetch"}
    )
    assert by_script.status_code == 204
    checkin.refresh_from_db()
    assert checkin.seen_by is not None and checkin.seen_by.name == "Alice Moreno"
    again = as_alice.get(reverse("checkins:detail", args=[checkin.pk])).content.decode()
    assert "Mark seen" not in again
    assert "Seen by Alice Moreno" in again


def test_marking_seen_by_the_button_comes_back_to_the_check_in(
    as_alice: HttpClient, carmen: Client
) -> None:
    checkin = answer(carmen)
    done = as_alice.post(reverse("checkins:seen", args=[checkin.pk]))
    assert done["Location"] == reverse("checkins:detail", args=[checkin.pk])
    assert as_alice.get(reverse("checkins:seen", args=[checkin.pk])).status_code == 405


def test_a_reply_email_writes_names_as_they_are_in_subject_and_text(
    as_alice: HttpClient,
    alice: Any,
    carmen: Client,
    smtp_inbox: smtp.Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice.name = "Sam O'Brien & Co"
    alice.save()
    checkin = answer(carmen)
    with django_capture_on_commit_callbacks(execute=True):
        as_alice.post(
            reverse("alerts:reply", args=[checkin.pk]), {"reply": "Te leo <pronto> & bien."}
        )
    run_worker()
    [message] = smtp_inbox.to("carmen@example.com")
    assert message["Subject"] == "Sam O'Brien & Co te ha escrito"
    text = smtp.Inbox.text(message)
    assert "Sam O'Brien & Co" in text and "Te leo <pronto> & bien." in text
    assert "&amp;" not in text and "&#x27;" not in text and "&lt;" not in text
