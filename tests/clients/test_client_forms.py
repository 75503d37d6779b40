"""Adding and editing clients, and the client's own settings and language."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.clients.middleware import SESSION_KEY
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def new_client(**changes: str) -> dict[str, str]:
    form = {
        "name": "Rosa Díaz",
        "email": "rosa@example.com",
        "language": "es",
        "timezone": "America/Mexico_City",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "send_invitation": "on",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def error_for(page: str, field: str) -> str:
    """The error text shown next to one field (empty if none)."""
    marker = f'id="id_{field}_error">'
    if marker not in page:
        return ""
    start = page.index(marker) + len(marker)
    return page[start : page.index("</p>", start)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"email": "rosa-at-example.com"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        (
            {"timezone": "Mars/Olympus_Mons"},
            "timezone",
            "Select a valid choice. Mars/Olympus_Mons is not one of the available choices.",
        ),
        ({"language": "tlh"}, "language", "Select a valid choice."),
        ({"quiet_start": "25:00"}, "quiet_start", "Enter a valid time."),
        ({"quiet_end": "tonight"}, "quiet_end", "Enter a valid time."),
    ],
    ids=lambda v: v if isinstance(v, str) and not v[0].isupper() else None,
)
def test_adding_a_client_with_bad_input_says_what_to_fix_and_saves_nothing(
    as_alice: HttpClient,
    smtp_inbox: Inbox,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = as_alice.post("/clients/new/", new_client(**changes))

    page = text(response)
    assert response.status_code == 200
    assert "Add a client" in page
    assert error_for(page, field).startswith(message)
    assert Client.objects.count() == 0
    run_worker()
    assert smtp_inbox.messages == []


def test_bad_input_keeps_what_was_typed(as_alice: HttpClient) -> None:
    page = text(as_alice.post("/clients/new/", new_client(email="nope")))

    assert 'value="Rosa Díaz"' in page
    assert 'value="nope"' in page


def test_adding_a_client_whose_email_is_taken_in_the_practice_says_so(
    as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    response = as_alice.post("/clients/new/", new_client(email="CARMEN@example.com "))

    assert response.status_code == 200
    assert error_for(text(response), "email") == "Another client in your practice uses this email."
    assert list(Client.objects.all()) == [carmen]
    run_worker()
    assert smtp_inbox.messages == []


def test_the_same_email_is_fine_in_another_practice(
    as_alice: HttpClient, bob: Practitioner, smtp_inbox: Inbox
) -> None:
    factories.ClientFactory(practitioner=bob, email="rosa@example.com")

    response = as_alice.post("/clients/new/", new_client())

    assert response.status_code == 302
    assert Client.objects.filter(email="rosa@example.com").count() == 2
    run_worker()
    assert len(smtp_inbox.to("rosa@example.com")) == 1


def test_adding_a_client_without_an_invitation_sends_nothing(
    as_alice: HttpClient, alice: Practitioner, smtp_inbox: Inbox
) -> None:
    response = as_alice.post("/clients/new/", new_client(send_invitation=None))

    rosa = Client.objects.get()
    assert response["Location"] == f"/clients/{rosa.pk}/"
    assert rosa.practice == alice.practice
    assert rosa.practitioner == alice
    assert rosa.invited_at is None
    run_worker()
    assert smtp_inbox.messages == []
    assert "not sent yet" in text(as_alice.get(response["Location"]))


def test_editing_a_client_saves_and_shows_the_new_details(
    as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    form = as_alice.get(f"/clients/{carmen.pk}/edit/")
    assert 'value="Carmen López"' in text(form)
    assert "Email them an invitation now" not in text(form)

    response = as_alice.post(
        f"/clients/{carmen.pk}/edit/",
        {
            "name": "Carmen López Ruiz",
            "email": "Carmen.Lopez@Example.com",
            "language": "en",
            "timezone": "America/Lima",
            "quiet_start": "22:30",
            "quiet_end": "07:15",
        },
    )

    assert response["Location"] == f"/clients/{carmen.pk}/"
    carmen.refresh_from_db()
    assert carmen.name == "Carmen López Ruiz"
    assert carmen.email == "carmen.lopez@example.com"
    assert carmen.language == "en"
    assert carmen.timezone == "America/Lima"
    assert (carmen.quiet_start, carmen.quiet_end) == (dt.time(22, 30), dt.time(7, 15))
    page = text(as_alice.get(response["Location"]))
    assert "Saved." in page
    assert "America/Lima" in page
    assert "22:30\N{EN DASH}07:15" in page
    run_worker()
    assert smtp_inbox.messages == []


def test_editing_a_client_may_keep_their_own_email_but_not_take_anothers(
    as_alice: HttpClient, alice: Practitioner, carmen: Client
) -> None:
    factories.ClientFactory(practitioner=alice, email="dana@example.com")
    form = {
        "name": "Carmen López",
        "email": "carmen@example.com",
        "language": "es",
        "timezone": "Europe/Madrid",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert as_alice.post(f"/clients/{carmen.pk}/edit/", form).status_code == 302

    taken = as_alice.post(f"/clients/{carmen.pk}/edit/", {**form, "email": "dana@example.com"})

    assert taken.status_code == 200
    assert error_for(text(taken), "email") == "Another client in your practice uses this email."
    carmen.refresh_from_db()
    assert carmen.email == "carmen@example.com"


def test_editing_a_client_with_bad_input_changes_nothing(
    as_alice: HttpClient, carmen: Client
) -> None:
    response = as_alice.post(
        f"/clients/{carmen.pk}/edit/",
        {"name": "", "email": "x", "language": "es", "timezone": "Nowhere", "quiet_start": "9"},
    )

    page = text(response)
    assert response.status_code == 200
    assert error_for(page, "name") == "This field is required."
    assert error_for(page, "email") == "Enter a valid email address."
    assert error_for(page, "timezone").startswith("Select a valid choice.")
    saved = Client.objects.get(pk=carmen.pk)
    assert (saved.name, saved.email, saved.timezone) == (carmen.name, carmen.email, "Europe/Madrid")


# The client's own settings


def preferences(**changes: str) -> dict[str, str]:
    form = {
        "language": "es",
        "timezone": "America/Bogota",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    form.update(changes)
    return form


def test_a_client_can_change_their_settings(as_carmen: HttpClient, carmen: Client) -> None:
    page = text(as_carmen.get("/c/preferences/"))
    assert 'value="21:00"' in page

    response = as_carmen.post("/c/preferences/", preferences())

    assert response["Location"] == "/c/"
    carmen.refresh_from_db()
    assert carmen.timezone == "America/Bogota"
    assert (carmen.quiet_start, carmen.quiet_end) == (dt.time(22, 0), dt.time(7, 30))
    assert "Guardado. Gracias." in text(as_carmen.get("/c/"))


@pytest.mark.parametrize(
    "changes",
    [
        {"timezone": "Atlantis/Capital"},
        {"quiet_start": "27:00"},
        {"quiet_end": ""},
        {"language": "fr"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_bad_settings_change_nothing(
    as_carmen: HttpClient, carmen: Client, changes: dict[str, str]
) -> None:
    response = as_carmen.post("/c/preferences/", preferences(**{"language": "en", **changes}))

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    saved = Client.objects.get(pk=carmen.pk)
    assert saved.language == "es"
    assert saved.timezone == "Europe/Madrid"
    assert saved.quiet_start == dt.time(21, 0)


def test_saving_english_in_settings_shows_the_next_page_in_english(
    as_carmen: HttpClient, carmen: Client
) -> None:
    response = as_carmen.post("/c/preferences/", preferences(language="en"), follow=True)

    page = text(response)
    assert '<html lang="en">' in page
    assert "Saved. Thank you." in page
    assert "How are you right now?" in page


def test_settings_need_a_signed_in_client() -> None:
    assert HttpClient().get("/c/preferences/")["Location"] == "/c/signin/"


def test_the_language_switch_shows_an_english_client_spanish_pages(alice: Practitioner) -> None:
    dana = factories.ClientFactory(practitioner=alice, name="Dana Fox", language="en")
    http = signed_in_as(dana)
    assert "How are you right now?" in text(http.get("/c/"))

    response = http.post("/c/language/", {"language": "es", "next": "/c/preferences/"})

    assert response["Location"] == "/c/preferences/"
    dana.refresh_from_db()
    assert dana.language == "es"
    page = text(http.get("/c/"))
    assert '<html lang="es">' in page
    assert "¿Cómo estás ahora?" in page
    assert "How are you right now?" not in page
    assert "Tus ajustes" in text(http.get("/c/preferences/"))


def test_the_language_switch_takes_a_spanish_client_to_english(
    as_carmen: HttpClient, carmen: Client
) -> None:
    assert "¿Cómo estás ahora?" in text(as_carmen.get("/c/"))

    as_carmen.post("/c/language/", {"language": "en", "next": "/c/"})

    page = text(as_carmen.get("/c/"))
    assert '<html lang="en">' in page
    assert "How are you right now?" in page


def test_the_language_switch_ignores_unknown_languages_and_outside_addresses(
    as_carmen: HttpClient, carmen: Client
) -> None:
    response = as_carmen.post("/c/language/", {"language": "xx", "next": "https://evil.example/c/"})

    assert response["Location"] == "/c/"
    carmen.refresh_from_db()
    assert carmen.language == "es"
    for sneaky in ("//evil.example/", "/clients/", "javascript:alert(1)", "/c/\\evil.example"):
        back = as_carmen.post("/c/language/", {"language": "es", "next": sneaky})["Location"]
        assert back.startswith("/c/")


def test_a_spanish_client_sees_spanish_even_with_an_english_practitioner_in_the_browser(
    alice: Practitioner, carmen: Client
) -> None:
    assert alice.language == "en"
    http = HttpClient()
    http.force_login(alice)
    session = http.session
    session[SESSION_KEY] = carmen.pk
    session.save()

    client_page = text(http.get("/c/"))
    practitioner_page = text(http.get("/clients/"))

    assert '<html lang="es">' in client_page
    assert "¿Cómo estás ahora?" in client_page
    assert '<html lang="en">' in practitioner_page
    assert "Add a client" in practitioner_page
