"""After a check-in, one or two practices are suggested with the reason in plain words.
Every rule in data/suggestions.toml, in English and Spanish, through the client's own page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.integration import suggestions
from tend.integration.models import Exercise
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

# What the client says, per rule and language, and the reason they should read.
CASES = {
    "activation": (
        {"activation": "8"},
        {"activation": "8"},
    ),
    "tired": (
        {"activation": "3", "sensations": ["tired"]},
        {"activation": "3", "sensations": ["heavy"]},
    ),
    "basics": (
        {"activation": "3", "slept": "no"},
        {"activation": "3", "ate": "no"},
    ),
    "insight": (
        {"activation": "2", "note": "I realised I hold my breath when my boss calls."},
        {"activation": "2", "note": "Me di cuenta de que aguanto la respiración con mi jefe."},
    ),
}
REASONS = {
    ("tired", "en"): "Rest is part of the work, not a break from it.",
    ("tired", "es"): "Descansar es parte del proceso, no una pausa de él.",
}


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def suggested_titles(page: str) -> list[str]:
    part = page.split('id="suggested-heading"', 1)[1] if 'id="suggested-heading"' in page else ""
    return [html.unescape(t) for t in re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", part)]


def check_in(client: Client, data: dict[str, Any]) -> str:
    http = signed_in_as(client)
    response = http.post("/c/checkin/", data)
    assert response.status_code == 302
    return http.get(response["Location"]).content.decode()


def test_every_rule_in_the_data_file_is_tested_here() -> None:
    assert {rule.name for rule in suggestions.rules()} == set(CASES)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_suggests_a_fitting_practice_with_its_reason(
    alice: Any, name: str, language: str
) -> None:
    client = factories.ClientFactory(practitioner=alice, language=language)
    factories.SessionFactory(client=client, intensity="moderate", modality="talk_therapy")
    rule = next(r for r in suggestions.rules() if r.name == name)

    page = check_in(client, CASES[name][0 if language == "en" else 1])

    reason = REASONS.get((name, language), rule.reason[language])
    assert reason in html.unescape(page)
    titles = suggested_titles(page)
    assert 1 <= len(titles) <= 2
    by_title = {e.title(language): e for e in Exercise.objects.filter(retired=False)}
    assert by_title[titles[0]].kind in rule.kinds or any(
        by_title[t].kind in rule.kinds for t in titles
    )


def test_a_calm_check_in_with_nothing_to_answer_suggests_nothing(alice: Any) -> None:
    client = factories.ClientFactory(practitioner=alice)
    page = check_in(client, {"activation": "2", "note": "A good day."})
    assert "Something that might help now" not in page
    assert CheckIn.objects.count() == 1


def test_two_rules_give_two_different_practices_and_never_more(alice: Any) -> None:
    client = factories.ClientFactory(practitioner=alice)
    page = check_in(
        client, {"activation": "9", "sensations": ["tired"], "slept": "no", "note": "I noticed."}
    )
    titles = suggested_titles(page)
    assert len(titles) == 2
    assert titles[0] != titles[1]
    assert "You said a lot is moving right now." in html.unescape(page)
    assert "Rest is part of the work" in html.unescape(page)


def test_the_suggested_practice_opens_and_the_client_can_browse_every_one(alice: Any) -> None:
    client = factories.ClientFactory(practitioner=alice)
    page = check_in(client, {"activation": "8"})
    [first, *_] = re.findall(r'href="(/c/practices/\d+/)"', page)
    http = signed_in_as(client)
    assert http.get(first).status_code == 200
    assert 'href="/c/practices/"' in page
    library = visible(http.get("/c/practices/"))
    for kind in ("Reflect", "Body", "Rest", "Ripples", "Pause", "Basics"):
        assert kind in library


def test_a_one_tap_answer_from_email_suggests_practices_that_open_without_signing_in(
    alice: Any,
) -> None:
    from tend.checkins import answer_links

    client = factories.ClientFactory(practitioner=alice, language="es")
    checkin = factories.CheckInFactory(client=client, state="sent", activation=None)
    phone = HttpClient()
    url = answer_links.answer_url(checkin.pk, "overwhelmed").split("127.0.0.1:8000", 1)[-1]
    page = phone.post(url).content.decode()

    assert "Algo que podría ayudarte ahora" in html.unescape(page)
    [link, *_] = re.findall(r'href="[^"]*(/p/[^"]+/)"', page)
    opened = phone.get(link)
    assert opened.status_code == 200
    assert "Lo hice" in html.unescape(opened.content.decode())
