"""When words may mean danger: crisis lines at once, and an urgent alert, mail or no mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from tend.alerts.models import Alert, AlertState, Kind, Level
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(settings: Any) -> None:
    """Nobody listens on port 9 (discard): every email the worker tries fails."""
    settings.MAILERS = {
        **settings.MAILERS,
        "smtp": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        },
    }


def check_in(http: HttpClient, **data: str) -> str:
    fields = {"activation": "6", "note": "", "need": "", "wants_contact": "", **data}
    response = http.post(reverse("checkins:submit"), fields, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_an_urgent_note_shows_the_lines_for_their_country_and_raises_an_urgent_alert(
    dana: Client, mail_down: None
) -> None:
    Client.objects.filter(pk=dana.pk).update(timezone="America/New_York")
    page = check_in(signed_in_as(dana), note="Honestly I'm going to kill myself tonight.")
    assert 'id="crisis-resources"' in page
    assert "988" in page
    assert 'href="tel:' in page
    alert = Alert.objects.get(client=dana)
    assert (alert.kind, alert.level, alert.state) == (Kind.SAFETY, Level.URGENT, AlertState.OPEN)
    assert alert.responsible is not None


def test_a_spanish_client_gets_lines_for_spain_in_spanish(carmen: Client) -> None:
    page = check_in(signed_in_as(carmen), need="No quiero seguir viviendo, esta noche lo hago.")
    assert 'id="crisis-resources"' in page
    assert "024" in page  # Spain's line for suicidal behaviour
    assert Alert.objects.get(client=carmen).level == Level.URGENT


def test_the_top_of_the_scale_with_a_call_for_help_shows_the_lines(dana: Client) -> None:
    page = check_in(signed_in_as(dana), activation="10", wants_contact="yes")
    assert 'id="crisis-resources"' in page
    assert Alert.objects.get(client=dana, kind=Kind.CONTACT).level == Level.URGENT


def test_a_hard_day_without_danger_does_not(dana: Client) -> None:
    page = check_in(signed_in_as(dana), activation="9", note="This job is killing me.")
    assert 'id="crisis-resources"' not in page
    assert not Alert.objects.filter(client=dana, kind=Kind.SAFETY).exists()
    assert Alert.objects.get(client=dana).kind == Kind.ACTIVATION  # still, 9 is high


def test_the_fuller_form_from_an_email_shows_the_lines_too(dana: Client) -> None:
    now = timezone.now()
    checkin = factories.CheckInFactory(
        client=dana,
        state=State.SENT,
        answered_at=None,
        activation=None,
        due_at=now,
        sent_at=now,
        closes_at=now + dt.timedelta(days=2),
    )
    url = answer_links.answer_url(checkin.pk, answer_links.MORE)
    token = url.rstrip("/").rsplit("/", 1)[1]
    response = HttpClient().post(
        reverse("checkins:answer_more", args=[token]),
        {"activation": "8", "note": "I have a plan to end my life", "wants_contact": ""},
    )
    assert response.status_code == 200
    assert 'id="crisis-resources"' in response.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).safety_level == "urgent"
    assert Alert.objects.get(client=dana, kind=Kind.SAFETY).level == Level.URGENT


def test_even_a_page_that_is_not_there_offers_help(db: None) -> None:
    response = HttpClient().get("/c/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("safety:help")}"' in response.content.decode()
