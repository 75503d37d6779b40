"""A practitioner's Tend left open signs itself out after the practice's idle limit (30
minutes unless an admin sets another); the queue refreshing itself is not use. A client's
sign-in lasts 14 days."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.clients import links
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def signed_in(person: Practitioner) -> HttpClient:
    http = HttpClient()
    response = http.post("/login/", {"username": person.email, "password": factories.PASSWORD})
    assert response["Location"] == "/"
    return http


def at(minutes: float) -> Any:
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def test_half_an_hour_without_using_tend_signs_a_practitioner_out_and_says_why(
    alice: Practitioner,
) -> None:
    with at(0):
        http = signed_in(alice)
        assert http.get("/clients/").status_code == 200
    with at(29):
        assert http.get("/clients/").status_code == 200  # still there: and this is use
    with at(29 + 31):
        away = http.get("/clients/")
        assert away.status_code == 302
        assert away["Location"] == "/login/?next=/clients/"
        page = html.unescape(http.get(away["Location"]).content.decode())
        assert "You were signed out after 30 minutes without using Tend" in page
        assert http.get("/clients/").status_code == 302  # really signed out


def test_the_queue_refreshing_itself_does_not_keep_anyone_signed_in(alice: Practitioner) -> None:
    with at(0):
        http = signed_in(alice)
        http.get("/")
    for half_minutes in range(1, 62):
        with at(half_minutes / 2):
            part = http.get("/queue/", headers={"X-Requested-With": "fetch"})
    assert part.status_code == 302  # at 30.5 minutes: signed out, and the page keeps its list


def test_an_admin_sets_the_practices_limit(alice: Practitioner) -> None:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    with at(0):
        http = signed_in(alice)
        page = http.get("/practice/settings/").content.decode()
        assert 'name="idle_minutes"' in page
        form = {
            "activation_threshold": 8,
            "baseline_jump": 4,
            "silence_hours": 48,
            "basics_days": 2,
            "urgent_escalation_minutes": 30,
            "normal_escalation_hours": 24,
            "idle_minutes": 10,
        }
        assert http.post("/practice/settings/", form).status_code == 302
    with at(2):
        assert http.get("/clients/").status_code == 200  # the new limit is read
    with at(2 + 11):
        assert http.get("/clients/").status_code == 302
    with at(14):
        too_short = signed_in(alice).post("/practice/settings/", {**form, "idle_minutes": 1})
        assert too_short.status_code == 200
        assert alice.practice.__class__.objects.get(pk=alice.practice_id).idle_minutes == 10


def test_a_clients_sign_in_lasts_fourteen_days(dana: Client) -> None:
    with at(0):
        phone = HttpClient()
        assert phone.post(links.link_create(client=dana))["Location"] == "/c/"
    with at(13 * 24 * 60):
        assert phone.get("/c/").status_code == 200
    with at(14 * 24 * 60 + 1):
        assert phone.get("/c/")["Location"] == "/c/signin/"


def test_twelve_hours_after_signing_in_a_busy_practitioner_signs_in_again(
    alice: Practitioner,
) -> None:
    with at(0):
        http = signed_in(alice)
    for minute in range(20, 12 * 60, 20):  # busy all day: never idle for long
        with at(minute):
            assert http.get("/clients/").status_code == 200, minute
    with at(12 * 60 + 1):
        away = http.get("/clients/")
        assert away["Location"] == "/login/?next=/clients/"
        page = html.unescape(http.get(away["Location"]).content.decode())
        assert "You've been signed in for 12 hours, so Tend asks you to sign in again" in page
        assert http.get("/clients/").status_code == 302
        again = signed_in(alice)  # and signing in starts the twelve hours again
        assert again.get("/clients/").status_code == 200
