from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def test_adding_a_client_emails_an_invitation_in_their_language(
    as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    response = as_alice.post(
        "/clients/new/",
        {
            "name": "Rosa Díaz",
            "email": "Rosa@Example.com",
            "language": "es",
            "timezone": "America/Mexico_City",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "send_invitation": "on",
        },
    )
    rosa = Client.objects.get(email="rosa@example.com")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{rosa.pk}/"
    run_worker()
    [message] = smtp_inbox.to("rosa@example.com")
    assert message["Subject"] == "Alice Moreno te ha invitado a Tend"
    assert "Hola, Rosa Díaz" in smtp_inbox.text(message)
    assert "Abre tu espacio" in smtp_inbox.html(message)
    [link] = smtp_inbox.links(message)

    http = HttpClient()
    assert (
        "Bienvenida" in http.get(link).content.decode()
        or "Te damos la bienvenida" in http.get(link).content.decode()
    )
    assert http.post(link)["Location"] == "/c/"
    home = http.get("/c/").content.decode()
    assert "¿Cómo estás ahora?" in home


@pytest.mark.parametrize(
    ("email", "line"),
    [
        ("rosa@example.com", "The invitation is on its way to rosa@example.com."),
        ("rósa@example.com", "No mail server would take rósa@example.com as it is written."),
    ],
)
def test_the_page_says_only_what_is_true_of_the_invitation(
    alice: Practitioner, as_alice: HttpClient, smtp_inbox: Inbox, email: str, line: str
) -> None:
    # (An address from before the form checked addresses, or from an import.)
    rosa = factories.ClientFactory(practitioner=alice, email=email)
    page = as_alice.post(f"/clients/{rosa.pk}/invite/", follow=True).content.decode()
    assert line in page
    run_worker()
    rosa.refresh_from_db()
    sent = len(smtp_inbox.to(email)) == 1
    assert sent == ("on its way" in line)
    assert (rosa.invited_at is not None) == sent


def test_inviting_one_client_again_and_again_sends_three_an_hour_and_says_when(
    alice: Practitioner, as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    rosa = factories.ClientFactory(practitioner=alice, email="rosa@example.com")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            as_alice.post(f"/clients/{rosa.pk}/invite/")
        page = html.unescape(as_alice.post(f"/clients/{rosa.pk}/invite/", follow=True).text)
    assert (
        "Several invitations went out in the last hour, so we haven't sent another to "
        "rosa@example.com just now. You can send it from Tue 1 Dec, 10:00 (UTC)." in page
    )
    run_worker()
    assert len(smtp_inbox.to("rosa@example.com")) == 3
