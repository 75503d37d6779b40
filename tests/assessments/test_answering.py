"""A questionnaire sent, answered from the email with no sign-in, scored and shown; PHQ-9's
ninth question answered above 0 opens an urgent alert and shows crisis lines at once, with
no mail server anywhere; the ladder quiz a client takes when they like."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from tend.alerts.models import Alert
from tend.assessments import links
from tend.assessments.models import Administration
from tend.notify.models import Delivery
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form(values: list[int]) -> dict[str, str]:
    return {f"item_{n}": str(v) for n, v in enumerate(values, 1)}


def sent(as_alice: HttpClient, client: Any, slug: str) -> tuple[Administration, str]:
    response = as_alice.post(f"/questionnaires/send/{client.pk}/", {"slug": slug})
    assert response.status_code == 302
    administration = Administration.objects.get(client=client, slug=slug)
    url = links.answer_url(administration.pk).removeprefix(settings.SITE_URL)
    return administration, url


def test_phq9_item_9_above_zero_is_urgent_at_once_with_no_mail_server(
    as_alice: HttpClient, carmen: Any
) -> None:
    administration, url = sent(as_alice, carmen, "phq9")
    email = Delivery.objects.get(key=f"questionnaire:{administration.pk}")
    assert email.state == Delivery.State.QUEUED  # nobody has sent it: no server is running
    phone = HttpClient()  # not signed in

    page = phone.get(url)
    assert page.status_code == 200
    assert "Durante las últimas 2 semanas" in visible(page)
    answered = phone.post(url, form([1, 1, 0, 2, 0, 1, 0, 0, 1]), follow=True)

    assert answered.status_code == 200
    assert 'id="crisis-resources"' in answered.content.decode()
    assert "Ya hemos avisado a Alice Moreno." in visible(answered)
    assert "Mientras esperas, puedes hablar con alguien ahora mismo" in visible(answered)
    administration.refresh_from_db()
    assert (administration.total, administration.band, administration.flags) == (6, "mild", ["9"])
    alert = Alert.objects.get()
    assert (alert.kind, alert.level, alert.client) == ("safety", "urgent", carmen)
    assert alert.detail == {"measure": "phq9", "items": ["9"]}
    queue = visible(as_alice.get("/"))
    assert "Carmen López" in queue
    assert "answered a questionnaire's question on thoughts of death or self-harm" in queue


def test_the_practitioner_sees_the_score_and_band_and_the_client_a_gentle_word(
    as_alice: HttpClient, dana: Any
) -> None:
    _administration, url = sent(as_alice, dana, "gad7")
    page = visible(HttpClient().post(url, form([2, 2, 1, 1, 2, 1, 1]), follow=True))

    assert "A questionnaire is a snapshot of the last couple of weeks, not a diagnosis" in page
    assert "Moderate" not in page  # the band is for the practitioner to talk through
    assert Alert.objects.count() == 0
    client_page = visible(as_alice.get(f"/clients/{dana.pk}/"))
    assert "Answered Questionnaire Score Band Change" in client_page
    assert re.search(
        r"\w{3} \d{1,2} \w{3} GAD-7 10 Moderate \u2013", client_page
    )  # no change to show yet


def test_a_half_answered_questionnaire_is_refused_and_nothing_is_kept(
    as_alice: HttpClient, dana: Any
) -> None:
    administration, url = sent(as_alice, dana, "who5")
    response = HttpClient().post(url, {"item_1": "5", "item_2": "9"})

    assert response.status_code == 400
    page = visible(response)
    assert "A few questions still need an answer." in page
    assert "This one still needs an answer, whichever fits best." in page
    assert "Please choose one of the answers shown." in page
    administration.refresh_from_db()
    assert administration.answered_at is None


def test_answering_again_changes_nothing(as_alice: HttpClient, dana: Any) -> None:
    administration, url = sent(as_alice, dana, "who5")
    HttpClient().post(url, form([5, 4, 3, 2, 1]))
    again = HttpClient().post(url, form([0, 0, 0, 0, 0]))

    assert "These answers are already in" in visible(again)
    administration.refresh_from_db()
    assert (administration.total, administration.scaled, administration.band) == (15, 60, "good")


def test_an_altered_link_opens_nothing() -> None:
    response = HttpClient().get("/q/WzFd:abc:def/")
    assert response.status_code == 404
    assert "This link has rested" in visible(response)


def test_the_ladder_quiz_shows_where_the_client_is_in_their_language(carmen: Any) -> None:
    http = signed_in_as(carmen)
    page = visible(http.get("/c/ladder/"))
    assert "Dónde estoy en mi camino" in page

    # Every statement at the middle answer: 20 of 40, 50 points: the middle rung.
    response = http.post("/c/ladder/", form([2] * 10), follow=True)

    result = visible(response)
    assert "Bola de lavado" in result
    administration = Administration.objects.get(client=carmen, slug="ladder")
    assert (administration.scaled, administration.band) == (50, "washing_ball")
    assert Alert.objects.count() == 0


def test_only_a_known_questionnaire_can_be_sent(as_alice: HttpClient, dana: Any) -> None:
    response = as_alice.post(f"/questionnaires/send/{dana.pk}/", {"slug": "nonsense"}, follow=True)
    assert "Choose a questionnaire to send." in visible(response)
    assert Administration.objects.count() == 0
