"""Practitioners sign in with email and password, and can reset a forgotten one."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.practices.models import Practitioner
from tests.factories import PASSWORD
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "moss-on-the-north-side-19"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def sign_in(email: str, password: str) -> tuple[HttpClient, Any]:
    http = HttpClient()
    return http, http.post("/login/", {"username": email, "password": password})


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.parametrize("email", ["alice@example.com", "Alice@Example.COM", " alice@example.com "])
def test_signing_in_with_email_and_password_opens_needs_you_now(
    alice: Practitioner, email: str
) -> None:
    http, response = sign_in(email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    page = text(http.get("/"))
    assert "Needs you now" in page
    assert "Sign out" in page


def test_a_wrong_password_says_so_plainly(alice: Practitioner) -> None:
    http, response = sign_in("alice@example.com", "not-my-password")

    assert response.status_code == 200
    page = text(response)
    assert "That email and password don't match. Please try again." in page
    assert 'value="alice@example.com"' in page
    assert http.get("/clients/")["Location"].startswith("/login/")


def test_an_unknown_email_gets_the_same_message(alice: Practitioner) -> None:
    _, unknown = sign_in("nobody@example.com", PASSWORD)

    assert unknown.status_code == 200
    assert "That email and password don't match. Please try again." in text(unknown)


def test_a_switched_off_account_cannot_sign_in(alice: Practitioner) -> None:
    alice.is_active = False
    alice.save()

    http, response = sign_in("alice@example.com", PASSWORD)

    assert response.status_code == 200
    assert http.get("/clients/")["Location"].startswith("/login/")


def test_signing_in_returns_to_the_page_that_asked(alice: Practitioner) -> None:
    http = HttpClient()
    asked = http.get("/account/")
    assert asked["Location"] == "/login/?next=/account/"

    response = http.post(
        "/login/?next=/account/",
        {"username": "alice@example.com", "password": PASSWORD, "next": "/account/"},
    )

    assert response["Location"] == "/account/"


def test_signing_in_never_sends_you_to_another_site(alice: Practitioner) -> None:
    http = HttpClient()
    response = http.post(
        "/login/",
        {"username": "alice@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


def test_signing_out_is_a_button_and_ends_the_session(as_alice: HttpClient) -> None:
    assert as_alice.get("/logout/").status_code == 405
    assert as_alice.get("/clients/").status_code == 200

    response = as_alice.post("/logout/")

    assert response["Location"] == "/login/"
    assert as_alice.get("/clients/")["Location"].startswith("/login/")


def test_password_reset_email_arrives_in_their_language_and_sets_a_new_password(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    alice.language = "es"
    alice.save()
    http = HttpClient()

    response = http.post("/password-reset/", {"email": "Alice@Example.com"})

    assert response["Location"] == "/password-reset/sent/"
    assert "Check your email" in text(http.get(response["Location"]))
    run_worker()
    [message] = smtp_inbox.to("alice@example.com")
    assert message["Subject"] == "Elige una contraseña nueva para Tend"
    assert '<html lang="es">' in smtp_inbox.html(message)
    assert smtp_inbox.text(message).startswith("Hola, Alice Moreno")
    [link] = smtp_inbox.links(message)

    form_page = http.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = http.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/password-reset/done/"

    assert sign_in("alice@example.com", NEW_PASSWORD)[1]["Location"] == "/"
    assert sign_in("alice@example.com", PASSWORD)[1].status_code == 200
    again = HttpClient().get(path_of(link), follow=True)
    assert "This link has already been used or is too old" in text(again)


def test_password_reset_email_is_in_english_for_an_english_practitioner(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    HttpClient().post("/password-reset/", {"email": "alice@example.com"})

    run_worker()
    [message] = smtp_inbox.to("alice@example.com")
    assert message["Subject"] == "Choose a new password for Tend"
    assert smtp_inbox.text(message).startswith("Hello Alice Moreno,")


def test_a_weak_new_password_is_turned_down(alice: Practitioner, smtp_inbox: Inbox) -> None:
    http = HttpClient()
    http.post("/password-reset/", {"email": "alice@example.com"})
    run_worker()
    [link] = smtp_inbox.links(smtp_inbox.to("alice@example.com")[0])
    set_password_url = http.get(path_of(link), follow=True).redirect_chain[-1][0]

    response = http.post(set_password_url, {"new_password1": "12345", "new_password2": "12345"})

    assert response.status_code == 200
    assert "This password is too short." in text(response)
    assert sign_in("alice@example.com", PASSWORD)[1]["Location"] == "/"


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    unknown = HttpClient().post("/password-reset/", {"email": "nobody@example.com"})
    known = HttpClient().post("/password-reset/", {"email": "alice@example.com"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/password-reset/sent/"
    run_worker()
    assert smtp_inbox.to("nobody@example.com") == []
    assert len(smtp_inbox.messages) == 1


def test_password_reset_with_an_invalid_email_asks_again(smtp_inbox: Inbox) -> None:
    response = HttpClient().post("/password-reset/", {"email": "not an email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in text(response)
    run_worker()
    assert smtp_inbox.messages == []


def test_the_account_page_saves_language_and_time_zone(
    as_alice: HttpClient, alice: Practitioner
) -> None:
    response = as_alice.post(
        "/account/", {"name": "Alice Moreno", "language": "es", "timezone": "Asia/Tokyo"}
    )

    assert response["Location"] == "/account/"
    alice.refresh_from_db()
    assert (alice.language, alice.timezone) == ("es", "Asia/Tokyo")
    page = text(as_alice.get("/account/"))
    assert '<html lang="es">' in page
    assert "Tu cuenta" in page
    assert 'value="Asia/Tokyo" selected' in page


def test_bad_account_input_changes_nothing(as_alice: HttpClient, alice: Practitioner) -> None:
    response = as_alice.post(
        "/account/", {"name": "", "language": "klingon", "timezone": "Moon/Base"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Select a valid choice. Moon/Base is not one of the available choices." in page
    saved = Practitioner.objects.get(pk=alice.pk)
    assert (saved.name, saved.language, saved.timezone) == ("Alice Moreno", "en", "UTC")


def test_the_account_page_needs_signing_in() -> None:
    assert HttpClient().get("/account/")["Location"] == "/login/?next=/account/"


def test_password_reset_does_the_same_work_for_a_real_account_as_for_none(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    """Its time can't tell who has an account: the page queues one task either way, and the
    worker writes the email (asserted as the same queries, not as a timing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    done = {}
    for email in ("nobody@example.com", "alice@example.com"):
        with CaptureQueriesContext(connection) as queries:
            response = HttpClient().post("/password-reset/", {"email": email})
        assert response["Location"] == "/password-reset/sent/"
        done[email] = [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries.captured_queries]
    assert done["nobody@example.com"] == done["alice@example.com"]
    assert not any("practices_practitioner" in sql for sql in done["alice@example.com"])
    assert smtp_inbox.messages == []
    run_worker()
    assert [m["To"] for m in smtp_inbox.messages] == ["alice@example.com"]
