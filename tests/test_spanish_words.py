"""Spanish as a Spanish speaker reads it: countries and time zones named in Spanish, the
empty choice, plurals, month abbreviations, and "Saved." right after switching language."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import translation
from django.utils.translation import ngettext

from tend.alerts import services as alert_services
from tend.alerts.models import Kind, Level
from tend.clients.models import Client
from tend.lib import when
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db


def page_of(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def options(page: str, select: str) -> list[str]:
    block = page.split(f'name="{select}"', 1)[1].split("</select>", 1)[0]
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>([^<]*)<", block)]


def test_a_spanish_client_finds_countries_and_zones_in_spanish_likely_ones_first(
    as_carmen: HttpClient, carmen: Client
) -> None:
    carmen.timezone = "Europe/Madrid"
    carmen.save()
    page = page_of(as_carmen.get("/c/preferences/"))
    countries = options(page, "country")
    assert "Afganistán" in countries and "Ciudad del Vaticano" in countries
    assert "Afghanistan" not in countries and "Vatican City" not in countries
    others = countries[countries.index("Afganistán") :]
    assert others.index("Alemania") < others.index("Ciudad del Vaticano")  # sorted in Spanish

    zones = options(page, "timezone")
    assert zones[0] == "España · Madrid"  # theirs first, in the "Sugeridas" group
    first_group = page.split('<optgroup label="Sugeridas">', 1)[1].split("</optgroup>", 1)[0]
    assert "España · Canarias" in first_group  # the rest of their country
    assert "Todas las zonas horarias" in page
    assert "Japón · Tokio" in zones
    assert not any("/" in z or "_" in z for z in zones)  # no raw IANA names
    assert re.search(r'<option value="Europe/Madrid" selected>', page)


def test_choosing_a_zone_by_its_spanish_name_saves_the_zone(
    as_carmen: HttpClient, carmen: Client
) -> None:
    form = {
        "language": "es",
        "timezone": "America/Mexico_City",
        "country": "MX",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert as_carmen.post("/c/preferences/", form).status_code == 302
    carmen.refresh_from_db()
    assert carmen.timezone == "America/Mexico_City"


def test_the_empty_choice_of_a_select_is_in_spanish(alice: Practitioner, carmen: Client) -> None:
    alice.language = "es"
    alice.save()
    http = HttpClient()
    http.force_login(alice)
    page = page_of(http.get(f"/sessions/new/{carmen.pk}/"))
    assert "Elige una opción" in options(page, "modality")
    assert "- Select an option -" not in page


def test_four_people_are_4_personas_not_4_de_personas(alice: Practitioner) -> None:
    alice.language = "es"
    alice.save()
    for n in range(4):
        client = factories.ClientFactory(practitioner=alice, name=f"Persona {n}")
        alert_services.open_alert(client, Kind.CONTACT, Level.NORMAL, {})
    http = HttpClient()
    http.force_login(alice)
    page = " ".join(re.sub(r"<[^>]+>", " ", page_of(http.get("/"))).split())
    assert "4 personas pueden necesitarte" in page
    assert "de personas" not in page


def test_no_plural_says_de_for_ordinary_numbers() -> None:
    """Spanish has a third plural form for round millions ("1 000 000 de personas"): the
    form for 2, 3, 4... must never carry that "de"."""
    with open(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po", "rb") as fh:
        catalogue = read_po(fh, locale="es")
    ordinary = re.compile(r"%\(\w+\)[sd] de ")
    wrong = [m.id[0] for m in catalogue if isinstance(m.id, tuple) and ordinary.search(m.string[2])]
    assert wrong == []
    with translation.override("es"):
        many = ngettext(
            "%(n)s person may need you.",
            "%(n)s people may need you. The most pressing is first.",
            4,
        )
    assert many % {"n": 4} == "4 personas pueden necesitarte. La más urgente va primero."


def test_one_date_format_with_lowercase_spanish_months_and_the_zone() -> None:
    moment = dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.UTC)
    madrid = ZoneInfo("Europe/Madrid")
    with translation.override("en"):
        assert when.when(moment, madrid) == "Tue 8 Dec, 09:00 (Madrid time)"
        assert when.when(moment, "UTC") == "Tue 8 Dec, 08:00 (UTC)"
        assert when.when(moment.replace(year=2024), madrid) == "Sun 8 Dec 2024, 09:00 (Madrid time)"
    with translation.override("es"):
        assert when.when(moment, madrid) == "mar 8 dic, 09:00 (hora de Madrid)"
        assert when.when(moment, "America/New_York") == "mar 8 dic, 03:00 (hora de Nueva York)"


def test_saved_appears_in_the_language_just_chosen(as_alice: HttpClient) -> None:
    response = as_alice.post(
        "/account/",
        {"name": "Alice Moreno", "language": "es", "timezone": "Europe/Madrid"},
        follow=True,
    )
    messages = re.findall(r'<p class="message[^"]*">([^<]*)</p>', page_of(response))
    assert messages == ["Guardado."]
