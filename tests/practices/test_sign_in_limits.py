"""Guessing passwords stops: after ten wrong passwords in a row for one account (or from one
address), signing in there pauses for fifteen minutes, even with the right password, and
the page says until when. Counted in the database, so every web process sees the same."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.test import override_settings

from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def sign_in(email: str, password: str, address: str = "203.0.113.7") -> Any:
    return HttpClient(REMOTE_ADDR=address).post(
        "/login/", {"username": email, "password": password}
    )


def visible(response: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_ten_wrong_passwords_pause_the_account_and_the_page_says_until_when(
    alice: Practitioner,
) -> None:
    with time_machine.travel(NOW, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(alice.email, "not-it").status_code == 200  # the form, with its error
        paused = sign_in(alice.email, "not-it")
        assert paused.status_code == 429
        assert "Signing in is paused for a little while" in visible(paused)
        assert "signing in is paused for the next 15 minutes." in visible(paused)

        right_but_paused = sign_in(alice.email, factories.PASSWORD, address="198.51.100.2")
        assert right_but_paused.status_code == 429  # the account, from anywhere

    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        assert sign_in(alice.email, factories.PASSWORD)["Location"] == "/"


def test_a_right_password_before_the_limit_starts_the_count_again(alice: Practitioner) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(alice.email, "not-it")
    assert sign_in(alice.email, factories.PASSWORD)["Location"] == "/"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(alice.email, "not-it").status_code == 200
    assert sign_in(alice.email, factories.PASSWORD)["Location"] == "/"


def test_one_address_trying_many_accounts_is_paused_too(alice: Practitioner) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"guess{n}@example.com", "password1")
    assert sign_in(alice.email, factories.PASSWORD).status_code == 429  # from that address
    assert sign_in(alice.email, factories.PASSWORD, address="198.51.100.9")["Location"] == "/"


def through_the_proxy(email: str, password: str, forwarded: str) -> Any:
    http = HttpClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    return http.post("/login/", {"username": email, "password": password})


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_counted_is_the_one_the_proxy_saw(
    alice: Practitioner,
) -> None:
    """Everyone arrives from the proxy's address: one guesser must not pause the practice,
    and what the guesser writes into X-Forwarded-For themself is not believed."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The guesser claims a new address each time; the proxy appends the real one.
        through_the_proxy(f"guess{n}@example.com", "password1", f"192.0.2.{n}, 203.0.113.7")
    assert through_the_proxy(alice.email, factories.PASSWORD, "203.0.113.7").status_code == 429
    signed_in = through_the_proxy(alice.email, factories.PASSWORD, "198.51.100.9")
    assert signed_in["Location"] == "/"
