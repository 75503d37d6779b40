from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from tend.clients.models import Client
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
