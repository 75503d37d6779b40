"""Your account lists the browsers a practitioner is signed in on, and signs out the others."""

from __future__ import annotations

import html
import importlib
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.lib import browsers
from tend.practices.models import BrowserSession, Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def sign_in(person: Practitioner, user_agent: str) -> HttpClient:
    http = HttpClient(headers={"User-Agent": user_agent})
    response = http.post("/login/", {"username": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return http


def test_the_account_page_lists_each_browser_and_marks_this_one(alice: Practitioner) -> None:
    sign_in(alice, IPHONE)
    desk = sign_in(alice, FIREFOX)
    page = visible(desk.get("/account/"))
    assert "Where you're signed in" in page
    assert "Firefox on Windows · this browser" in page
    assert "Safari on iPhone signed in" in page
    assert "Sign out everywhere else" in page


def test_a_second_browser_signs_the_first_out(alice: Practitioner, bob: Practitioner) -> None:
    phone = sign_in(alice, IPHONE)
    desk = sign_in(alice, FIREFOX)
    bobs = sign_in(bob, FIREFOX)
    assert phone.get("/clients/").status_code == 200

    done = desk.post("/account/sign-out-elsewhere/", follow=True)
    assert "Signed out of 1 other browser." in visible(done)
    assert "Safari on iPhone" not in visible(done)
    assert "Sign out everywhere else" not in visible(done)  # nothing else to sign out

    assert phone.get("/clients/")["Location"] == "/login/?next=/clients/"
    assert desk.get("/clients/").status_code == 200  # this browser stays signed in
    assert bobs.get("/clients/").status_code == 200  # someone else's sessions are theirs


def test_with_no_other_browser_nothing_changes(alice: Practitioner) -> None:
    desk = sign_in(alice, FIREFOX)
    done = desk.post("/account/sign-out-elsewhere/", follow=True)
    assert "You weren't signed in anywhere else." in visible(done)
    assert desk.get("/clients/").status_code == 200


def test_signing_out_removes_the_browser_from_the_list(alice: Practitioner) -> None:
    phone = sign_in(alice, IPHONE)
    desk = sign_in(alice, FIREFOX)
    assert BrowserSession.objects.filter(practitioner=alice).count() == 2
    phone.post("/logout/")
    assert BrowserSession.objects.filter(practitioner=alice).count() == 1
    assert "iPhone" not in visible(desk.get("/account/"))


def test_a_get_does_not_sign_anyone_out(alice: Practitioner) -> None:
    phone = sign_in(alice, IPHONE)
    desk = sign_in(alice, FIREFOX)
    assert desk.get("/account/sign-out-elsewhere/").status_code == 405
    assert phone.get("/clients/").status_code == 200


def test_an_unknown_browser_is_named_as_such(alice: Practitioner) -> None:
    page = visible(sign_in(alice, "curl/8.5").get("/account/"))
    assert "A browser Tend doesn't recognise · this browser" in page


@pytest.mark.parametrize(
    ("user_agent", "named"),
    [
        (FIREFOX, ("Firefox", "Windows")),
        (IPHONE, ("Safari", "iPhone")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            ("Edge", "macOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            ("Chrome", "Android"),
        ),
        ("<script>alert(1)</script>", (None, None)),
        ("", (None, None)),
    ],
)
def test_browsers_are_named_from_their_user_agent(
    user_agent: str, named: tuple[str | None, str | None]
) -> None:
    assert browsers.describe(user_agent) == named


def test_sessions_from_before_move_over_and_stay_signed_in(alice: Practitioner) -> None:
    """An install from before kept sessions in Django's own table: nobody is signed out."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as OldStore
    from django.db import connection

    desk = sign_in(alice, FIREFOX)
    key = desk.cookies["sessionid"].value
    row = BrowserSession.objects.get(session_key=key)
    old = OldStore.get_model_class()
    old.objects.create(session_key=key, session_data=row.session_data, expire_date=row.expire_date)
    row.delete()

    migration = importlib.import_module(
        "tend.practices.migrations.0008_browser_sessions_name_their_practitioner"
    )
    migration.move_sessions(apps, SimpleNamespace(connection=connection))

    assert BrowserSession.objects.get(session_key=key).practitioner == alice
    assert not old.objects.exists()
    assert desk.get("/clients/").status_code == 200
