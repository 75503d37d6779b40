"""Replies reach the client whatever the alert, and the client can write back in Tend."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from tend.alerts import services
from tend.alerts.models import Alert, AlertState, Kind, Level
from tend.checkins.models import ClientReply, Reply
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories, smtp
from tests.conftest import signed_in_as
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def silence(client: Client) -> Alert:
    """The alert with no check-in: quiet after an intense session."""
    return services.open_alert(client, Kind.SILENCE, Level.NORMAL, {"hours": 30})


def test_a_reply_while_acknowledging_a_silence_reaches_the_client(
    as_alice: HttpClient,
    carmen: Client,
    smtp_inbox: smtp.Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    silence(carmen)
    words = "Pienso en ti. ¿Cómo han ido estos días?"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            reverse("alerts:acknowledge", args=[carmen.pk]), {"reply": words}, follow=True
        )
    run_worker()

    assert "your reply is on its way to Carmen López" in visible(response)
    reply = Reply.objects.get()
    assert (reply.client, reply.checkin, reply.body) == (carmen, None, words)
    [email] = smtp_inbox.to("carmen@example.com")
    assert words in smtp.Inbox.text(email)
    assert "Alice Moreno te ha escrito" in smtp.Inbox.text(email)
    page = visible(signed_in_as(carmen).get(reverse("checkins:home")))
    assert "De Alice Moreno" in page
    assert words in page
    assert "Escribe a Alice Moreno" in page


def test_a_reply_to_an_alert_already_acknowledged_by_someone_else_still_goes(
    as_alice: HttpClient, alice: Practitioner, carmen: Client
) -> None:
    alert = silence(carmen)
    colleague = factories.PractitionerFactory(practice=alice.practice)
    services.acknowledge([alert], colleague)

    response = as_alice.post(
        reverse("alerts:acknowledge", args=[carmen.pk]),
        {"reply": "Here when you're ready."},
        follow=True,
    )

    assert "Your reply is on its way to Carmen López" in visible(response)
    assert Reply.objects.get().body == "Here when you're ready."


def test_an_acknowledged_silence_can_be_replied_to_from_its_page(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    alert = silence(dana)
    services.acknowledge([alert], alice)
    url = reverse("alerts:reply_about_alert", args=[alert.pk])

    empty = as_alice.post(url, {"reply": "  "})
    assert empty.status_code == 400
    assert "Write a few words to send." in visible(empty)
    assert not Reply.objects.exists()

    as_alice.post(url, {"reply": "Thinking of you today."})
    assert Reply.objects.get().body == "Thinking of you today."
    page = visible(as_alice.get(reverse("alerts:detail", args=[alert.pk])))
    assert "Alice Moreno wrote" in page
    assert "Thinking of you today." in page


def test_a_client_writes_back_and_the_practitioner_reads_it(
    alice: Practitioner, dana: Client, as_alice: HttpClient
) -> None:
    reply = services.reply(dana, alice, "How did last night go?")
    http = signed_in_as(dana)
    home = visible(http.get(reverse("checkins:home")))
    assert "From Alice Moreno" in home
    assert "Write back to Alice Moreno" in home

    response = http.post(
        reverse("checkins:answer_reply", args=[reply.pk]),
        {"body": "Better, thank you. I slept a little."},
        follow=True,
    )

    page = visible(response)
    assert "Sent to Alice Moreno" in page
    assert "Alice Moreno will read what you wrote in Tend." in page
    assert 'id="crisis-resources"' not in response.content.decode()
    answer = ClientReply.objects.get()
    assert (answer.client, answer.reply, answer.safety_level) == (dana, reply, "none")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM checkins_clientreply")
        [(raw,)] = cursor.fetchall()
    assert "slept" not in raw  # kept encrypted
    # Someone must read it: it waits in the queue until acknowledged.
    alert = Alert.objects.get(client=dana, state=AlertState.OPEN)
    assert alert.kind == Kind.CONTACT
    assert "wrote back to your reply" in visible(as_alice.get(reverse("home")))
    alert_page = visible(as_alice.get(reverse("alerts:detail", args=[alert.pk])))
    assert "What they wrote back: Better, thank you. I slept a little." in alert_page
    client_page = visible(as_alice.get(reverse("clients:detail", args=[dana.pk])))
    assert "Dana Fox wrote back" in client_page
    assert "Better, thank you. I slept a little." in client_page
    # And the client sees their own words under the reply.
    assert "You wrote back" in visible(http.get(reverse("checkins:home")))


def test_words_of_danger_written_back_raise_an_urgent_alert_and_show_crisis_lines(
    alice: Practitioner, carmen: Client, as_alice: HttpClient
) -> None:
    reply = services.reply(carmen, alice, "¿Cómo estás hoy?")
    http = signed_in_as(carmen)

    response = http.post(
        reverse("checkins:answer_reply", args=[reply.pk]),
        {"body": "No quiero seguir viviendo, esta noche lo hago."},
        follow=True,
    )

    assert 'id="crisis-resources"' in response.content.decode()
    assert "024" in visible(response)
    alert = Alert.objects.get(client=carmen)
    assert (alert.kind, alert.level) == (Kind.SAFETY, Level.URGENT)
    page = visible(as_alice.get(reverse("alerts:detail", args=[alert.pk])))
    assert "Urgent: this may need you now." in page
    assert "No quiero seguir viviendo, esta noche lo hago." in page
    client_page = visible(as_alice.get(reverse("clients:detail", args=[carmen.pk])))
    assert "Urgent: words that may mean danger" in client_page


def test_an_empty_or_overlong_answer_is_explained_and_nothing_is_kept(
    alice: Practitioner, carmen: Client
) -> None:
    reply = services.reply(carmen, alice, "¿Cómo estás hoy?")
    http = signed_in_as(carmen)
    url = reverse("checkins:answer_reply", args=[reply.pk])

    empty = http.post(url, {"body": "   "})
    assert empty.status_code == 400
    assert "Escribe unas palabras para enviar." in visible(empty)

    long = http.post(url, {"body": "palabra " * 600})
    assert long.status_code == 400
    assert "menos de 4000 caracteres" in visible(long)
    assert "palabra palabra" in visible(long)  # what they wrote is still there

    assert not ClientReply.objects.exists()
    assert not Alert.objects.exists()


def test_a_client_cannot_answer_someone_elses_reply(
    alice: Practitioner, carmen: Client, dana: Client
) -> None:
    reply = services.reply(carmen, alice, "¿Cómo estás hoy?")

    response = signed_in_as(dana).post(
        reverse("checkins:answer_reply", args=[reply.pk]), {"body": "Not mine"}
    )

    assert response.status_code == 404
    assert not ClientReply.objects.exists()
