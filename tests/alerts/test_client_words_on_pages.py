"""The check-in and alert pages show the client's own words and say plainly when it is urgent."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tend.alerts import services
from tend.alerts.models import Alert, Kind, Level
from tend.checkins import services as checkins
from tend.checkins.models import CheckIn
from tend.clients.models import Client

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def answer(client: Client, **data: object) -> CheckIn:
    fields = {"activation": 5, "wants_contact": "", "note": "", "need": "", **data}
    return checkins.checkin_answer(client=client, data=fields)


def test_an_urgent_check_in_shows_its_words_and_says_urgent_in_text(
    as_alice: HttpClient, dana: Client
) -> None:
    checkin = answer(
        dana, note="Honestly I'm going to kill myself tonight.", need="Someone to call me."
    )
    alert = Alert.objects.get(client=dana, kind=Kind.SAFETY)

    for url in (
        reverse("checkins:detail", args=[checkin.pk]),
        reverse("alerts:detail", args=[alert.pk]),
    ):
        page = visible(as_alice.get(url))
        assert "In their own words" in page
        assert "Their note: Honestly I'm going to kill myself tonight." in page
        assert "What they need: Someone to call me." in page
        assert "Urgent" in page
    assert "Urgent wrote words that may mean danger" in visible(
        as_alice.get(reverse("checkins:detail", args=[checkin.pk]))
    )
    assert "Urgent: this may need you now." in visible(
        as_alice.get(reverse("alerts:detail", args=[alert.pk]))
    )


def test_a_calm_check_in_has_its_words_and_no_urgent_marker(
    as_alice: HttpClient, dana: Client
) -> None:
    checkin = answer(dana, activation=9, note="Lots came up at work.")
    alert = Alert.objects.get(client=dana, kind=Kind.ACTIVATION)

    checkin_page = visible(as_alice.get(reverse("checkins:detail", args=[checkin.pk])))
    alert_page = visible(as_alice.get(reverse("alerts:detail", args=[alert.pk])))

    for page in (checkin_page, alert_page):
        assert "Their note: Lots came up at work." in page
        assert "Urgent" not in page
    assert "What they need" not in checkin_page  # nothing written there: no empty heading


def test_an_alert_without_a_check_in_shows_no_words_section(
    as_alice: HttpClient, dana: Client
) -> None:
    alert = services.open_alert(dana, Kind.SILENCE, Level.NORMAL, {"hours": 30})

    page = visible(as_alice.get(reverse("alerts:detail", args=[alert.pk])))

    assert "In their own words" not in page
    assert "no answer for 30 hours after an intense session" in page


def test_another_practice_cannot_read_the_words(as_bob: HttpClient, dana: Client) -> None:
    checkin = answer(dana, note="Private words.")
    alert = services.open_alert(dana, Kind.CONTACT, Level.NORMAL, {}, checkin=checkin)

    for url in (
        reverse("checkins:detail", args=[checkin.pk]),
        reverse("alerts:detail", args=[alert.pk]),
    ):
        response = as_bob.get(url)
        assert response.status_code == 404
        assert "Private words." not in visible(response)
