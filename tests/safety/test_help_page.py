"""/c/help/: crisis lines one tap from every client page, with or without signing in."""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client as HttpClient
from django.urls import reverse

from tend.checkins import answer_links
from tend.checkins.models import State
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tend.safety import crisis
from tend.safety.models import CrisisLine
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

HELP = "/c/help/"


def page(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def lines(alice: Practitioner, bob: Practitioner) -> None:
    CrisisLine.objects.create(
        practice=alice.practice, name="Alice's after-hours line", phone="+34 600 100 200"
    )
    CrisisLine.objects.create(
        practice=alice.practice, country="GB", name="Alice's London line", phone="020 7946 0000"
    )
    CrisisLine.objects.create(practice=bob.practice, name="Bob's own line", phone="600 999 999")
    CrisisLine.objects.create(
        practice=bob.practice, country="ES", name="Bob's Madrid line", phone="600 888 888"
    )


def test_the_url_name() -> None:
    assert reverse("safety:help") == HELP


def test_a_signed_in_client_sees_their_countrys_lines_and_their_practices(
    lines: None, as_carmen: HttpClient
) -> None:
    """Carmen (Spanish, time zone Europe/Madrid) sees Spain's lines, in Spanish."""
    html = page(as_carmen.get(HELP))

    assert '<html lang="es">' in html
    assert "Alice's after-hours line" in html
    assert 'href="tel:+34600100200"' in html
    assert "024 Línea de atención a la conducta suicida" in html
    assert 'href="tel:024"' in html
    assert 'href="tel:112"' in html
    assert html.index("Alice's after-hours line") < html.index("024 Línea")
    assert "Alice's London line" not in html  # for clients in the UK
    assert "Bob" not in html
    assert '<section class="crisis"' in html


def test_a_client_with_a_country_set_sees_that_country(
    lines: None, dana: Client, alice: Practitioner
) -> None:
    dana.country = "GB"
    dana.save()

    html = page(signed_in_as(dana).get(HELP))

    assert '<html lang="en">' in html
    assert "Samaritans" in html
    assert 'href="tel:116123"' in html
    assert 'href="sms:85258?body=SHOUT"' in html
    assert "Text SHOUT to 85258" in html
    assert "Alice's London line" in html
    assert 'href="tel:999"' in html and 'href="tel:112"' in html
    assert "024 Línea" not in html
    assert "Bob" not in html


def test_a_signed_in_client_can_look_at_another_country(lines: None, as_carmen: HttpClient) -> None:
    html = page(as_carmen.get(HELP, {"country": "MX"}))

    assert "Línea de la Vida" in html
    assert 'href="tel:8009112000"' in html
    assert 'href="tel:911"' in html
    assert "Alice's after-hours line" in html  # their practice's line for every country
    assert "Bob" not in html


def test_without_signing_in_the_page_offers_a_choice_and_international_help(lines: None) -> None:
    html = page(HttpClient().get(HELP))

    assert '<select id="country" name="country">' in html
    for code in ("US", "GB", "IE", "CA", "AU", "ES", "MX", "AR", "CO", "CL"):
        assert f'<option value="{code}"' in html
    assert "https://findahelpline.com" in html
    assert 'href="tel:112"' in html and 'href="tel:911"' in html
    assert "Alice" not in html
    assert "Bob" not in html


@pytest.mark.parametrize(
    ("country", "expected", "link"),
    [
        ("US", "988 Suicide &amp; Crisis Lifeline", 'href="tel:988"'),
        ("us", "988 Suicide &amp; Crisis Lifeline", 'href="sms:741741?body=HOME"'),
        ("UK", "Samaritans", 'href="tel:116123"'),
        ("IE", "Pieta", 'href="sms:51444?body=HELP"'),
        ("CA", "Kids Help Phone", 'href="tel:18006686868"'),
        ("AU", "Lifeline", 'href="sms:0477131114"'),
        ("ES", "Teléfono de la Esperanza", 'href="tel:717003717"'),
        ("MX", "Línea de la Vida", 'href="tel:911"'),
        ("AR", "Centro de Asistencia al Suicida", 'href="tel:01152751135"'),
        ("CO", "Línea 106", 'href="https://wa.me/573007548933"'),
        ("CL", "Salud Responde", 'href="tel:*4141"'),
    ],
)
def test_anyone_can_choose_a_country(country: str, expected: str, link: str) -> None:
    html = page(HttpClient().get(HELP, {"country": country}))

    assert expected in html
    assert link in html
    assert "Anywhere in the world" in html
    assert 'class="error"' not in html


def test_a_country_without_lines_shows_the_directories() -> None:
    html = page(HttpClient().get(HELP, {"country": "FR"}))

    assert "https://findahelpline.com" in html
    assert 'class="error"' not in html


@pytest.mark.parametrize(
    "junk",
    ["ZZ", "XX", "<script>alert(1)</script>", "x" * 5000, "\x00", "E S", "ÉS", "12", ["US", "ZZ"]],
)
def test_a_bad_country_shows_the_chooser_calmly(junk: Any, lines: None) -> None:
    html = page(HttpClient().get(HELP, {"country": junk}))

    assert "We don't have that country. Please choose one from the list." in html
    assert 'aria-invalid="true"' in html
    assert "<script>alert(1)</script>" not in html
    assert "https://findahelpline.com" in html


@pytest.mark.parametrize("junk", ["\x00", "x" * 5000, "es\x00", "zz"])
def test_junk_in_the_other_parameters_is_ignored(junk: str) -> None:
    for params in ({"lang": junk}, {"for": junk}, {"all": junk}, {"for": junk, "country": "GB"}):
        html = page(HttpClient().get(HELP, params))
        assert "Bob" not in html


def test_the_page_speaks_the_language_asked_for() -> None:
    assert '<html lang="es">' in page(HttpClient().get(HELP, {"lang": "es"}))
    assert '<html lang="es">' in page(HttpClient().get(HELP, HTTP_ACCEPT_LANGUAGE="es-MX,es"))
    html = page(HttpClient().get(HELP, {"lang": "es", "country": "US"}))
    assert '<html lang="es">' in html
    assert 'name="lang" value="es"' in html  # choosing another country keeps the language
    assert "Para hablar en español, marca 2" in html


def test_every_country_is_one_step_away(lines: None, as_carmen: HttpClient) -> None:
    html = page(as_carmen.get(HELP))
    assert "?all=1" in html

    everything = page(as_carmen.get(HELP, {"all": "1"}))

    for number in ("tel:988", "tel:116123", "tel:024", "tel:*4141", "tel:131114", "tel:135"):
        assert f'href="{number}"' in everything
    assert "https://findahelpline.com" in everything
    assert "Bob" not in everything


def test_a_practitioner_can_open_it_too(as_alice: HttpClient) -> None:
    html = page(as_alice.get(HELP, {"country": "GB"}))
    assert "Samaritans" in html


def test_headings_are_in_order_and_every_call_link_names_its_line(as_carmen: HttpClient) -> None:
    html = page(as_carmen.get(HELP))

    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    for link in re.findall(r'<a class="button" href="tel:[^"]+">(.*?)</a>', html, re.S):
        assert 'class="visually-hidden"' in link


# The help link on every client page


CLIENT_PAGES = ["/c/", "/c/preferences/"]


@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_the_help_link_is_on_signed_in_client_pages(as_carmen: HttpClient, path: str) -> None:
    html = page(as_carmen.get(path))

    assert f'href="{HELP}"' in html


@pytest.mark.parametrize("path", ["/c/signin/"])
def test_the_help_link_is_on_pages_without_a_session(path: str) -> None:
    html = page(HttpClient().get(path, HTTP_ACCEPT_LANGUAGE="es"))

    assert f'href="{HELP}?lang=es"' in html


def test_from_an_email_link_the_help_page_knows_the_client(lines: None, carmen: Client) -> None:
    """No session: the answer page's help link carries a signed hint to Carmen's lines."""
    checkin = factories.CheckInFactory(client=carmen, state=State.SENT, answered_at=None)
    path = answer_links.answer_url(checkin.pk, answer_links.MORE).removeprefix(settings.SITE_URL)
    phone = HttpClient()

    answer_page = page(phone.get(path))
    [help_url] = re.findall(r'href="(/c/help/\?for=[^"]+)"', answer_page)
    html = page(phone.get(help_url.replace("&amp;", "&")))

    assert '<html lang="es">' in html
    assert "Alice's after-hours line" in html
    assert "024 Línea" in html
    assert "Bob" not in html
    assert carmen.name not in html
    assert carmen.email not in html


def test_a_tampered_hint_shows_nothing_of_any_practice(lines: None, carmen: Client) -> None:
    hint = crisis.hint_for(carmen)

    html = page(HttpClient().get(HELP, {"for": hint[:-2] + "xx"}))

    assert "Alice" not in html
    assert '<select id="country" name="country">' in html


def test_the_help_url_tag_prefers_the_signed_in_client(carmen: Client, dana: Client) -> None:
    template = Template("{% load crisis %}{% crisis_help_url %}")

    assert template.render(Context({"signed_in_client": carmen, "client": dana})) == HELP
    hinted = template.render(Context({"signed_in_client": None, "client": dana}))
    assert hinted.startswith(HELP + "?for=")
    assert crisis.client_from_hint(unquote(hinted.split("=", 1)[1])) == dana


def test_the_partial_for_the_check_in_confirmation_page(carmen: Client, lines: None) -> None:
    html = (
        Template("{% load crisis %}{% crisis_resources client=client level=3 %}")
        .render(Context({"client": carmen}))
        .replace("&#x27;", "'")
    )

    assert "<h3 " in html and "<h4>" in html
    assert "Alice's after-hours line" in html
    assert 'href="tel:024"' in html
    assert "Bob" not in html


@pytest.mark.parametrize("params", [{}, {"country": "GB"}, {"all": "1"}, {"country": "QQ"}])
def test_no_id_is_used_twice(as_carmen: HttpClient, lines: None, params: dict[str, str]) -> None:
    html = page(as_carmen.get(HELP, params))

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'aria-(?:labelledby|describedby)="([^"]+)"', html):
        assert target in ids


def test_the_partial_takes_an_id_only_when_asked(carmen: Client) -> None:
    plain = Template("{% load crisis %}{% crisis_resources client=client %}")
    anchored = Template('{% load crisis %}{% crisis_resources client=client anchor="crisis-now" %}')

    assert 'id="crisis-now"' in anchored.render(Context({"client": carmen}))
    assert '<section class="crisis" aria' in plain.render(Context({"client": carmen}))
