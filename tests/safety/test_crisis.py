"""Crisis lines: the data file's links, countries from time zones, and which lines a client sees."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.utils import translation

from tend.clients.models import Client
from tend.lib import countries, zones
from tend.practices.models import Practitioner
from tend.safety import crisis, resources
from tend.safety.models import CrisisLine
from tests import factories

REQUIRED = ("US", "GB", "IE", "CA", "AU", "ES", "MX", "AR", "CO", "CL")

# RFC 3966: "+" and digits, or a local number of digits, "*" and "#" (as %23).
TEL = re.compile(r"tel:(\+[0-9]{4,15}|[0-9*]*(%23)?[0-9*]*)")
SMS = re.compile(r"sms:\+?[0-9]{3,15}(\?body=[A-Za-z0-9%]+)?")


def every_entry() -> list[resources.CrisisResource]:
    found = [entry for code in resources.countries() for entry in resources.resources_for(code)]
    return found + resources.resources_for("")


@pytest.mark.parametrize("code", REQUIRED)
def test_every_required_country_has_named_lines_and_an_emergency_number(code: str) -> None:
    found = resources.resources_for(code)
    lines = [entry for entry in found if not entry.emergency]
    assert lines
    for line in lines:
        assert line.name.strip()
        assert line.phone or line.text or line.website, line
    emergency = found[-1]
    assert emergency.emergency
    assert emergency.phones
    assert all(resources.tel_uri(number) for number in emergency.phones)


@pytest.mark.parametrize("entry", every_entry(), ids=lambda e: e.name)
def test_every_number_in_the_data_file_makes_a_working_link(
    entry: resources.CrisisResource,
) -> None:
    if entry.phone:
        assert entry.tel is not None, entry.phone
        assert TEL.fullmatch(entry.tel), entry.tel
        assert len(re.sub(r"\D", "", entry.tel)) >= 3
    for number in entry.other_phones:
        assert TEL.fullmatch(resources.tel_uri(number) or ""), number
    if entry.text:
        assert entry.sms is not None, entry.text
        assert SMS.fullmatch(entry.sms), entry.sms
    if entry.text_body:
        assert entry.text
    if entry.whatsapp:
        assert entry.whatsapp_link is not None
        assert re.fullmatch(r"https://wa\.me/[0-9]{8,15}", entry.whatsapp_link)
    if entry.website:
        assert entry.website.startswith("https://")
        assert entry.website_label and " " not in entry.website_label


@pytest.mark.parametrize("entry", every_entry(), ids=lambda e: e.name)
def test_what_clients_read_is_never_a_maintainers_note(entry: resources.CrisisResource) -> None:
    for _language, words in entry.about:
        assert "verify" not in words.lower()
    if entry.about and not entry.emergency:
        # Tend's own lines speak both page languages, or say nothing.
        assert {"en", "es"} <= {language for language, _words in entry.about}, entry.name


def test_a_line_speaks_the_readers_language_or_stays_quiet() -> None:
    [lifeline, *_rest] = resources.resources_for("US")
    assert lifeline.about_in("es-MX") is not None
    assert "AYUDA" in (lifeline.about_in("es") or "")
    assert lifeline.about_in("fr") is None
    own = resources.CrisisResource(name="Ours", phone="123", about=(("", "Any language"),))
    assert own.about_in("fr") == "Any language"


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("988", "tel:988"),
        ("116 123", "tel:116123"),
        ("(011) 5275-1135", "tel:01152751135"),
        ("1-800-668-6868", "tel:18006686868"),
        ("+44 20 7946 0000", "tel:+442079460000"),
        ("*4141", "tel:*4141"),
        ("*123#", "tel:*123%23"),
        ("13\u00a011\u00a014", "tel:131114"),
    ],
)
def test_phone_numbers_become_tel_uris(number: str, uri: str) -> None:
    assert resources.tel_uri(number) == uri


@pytest.mark.parametrize(
    "number",
    ["", "12", "call me", "192 (opción 4)", "+", "++44 20", "44+20", "1" * 30, "javascript:x"],
)
def test_things_that_are_not_phone_numbers_make_no_link(number: str) -> None:
    assert resources.tel_uri(number) is None


def test_text_links_fill_in_the_message() -> None:
    assert resources.sms_uri("741741", "HOME") == "sms:741741?body=HOME"
    assert resources.sms_uri("0477 13 11 14") == "sms:0477131114"
    assert resources.sms_uri("988", "a b&c") == "sms:988?body=a%20b%26c"
    assert resources.sms_uri("*4141") is None
    assert resources.sms_uri("WhatsApp 300") is None


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("America/Mexico_City", "MX"),
        ("Europe/Madrid", "ES"),
        ("Atlantic/Canary", "ES"),
        ("Australia/Sydney", "AU"),
        ("America/New_York", "US"),
        ("US/Pacific", "US"),  # an old link name, resolved through the tz database
        ("Europe/London", "GB"),
        ("Europe/Dublin", "IE"),
        ("America/Toronto", "CA"),
        ("America/Argentina/Buenos_Aires", "AR"),
        ("America/Buenos_Aires", "AR"),
        ("America/Bogota", "CO"),
        ("America/Santiago", "CL"),
        ("Europe/Paris", "FR"),
        ("UTC", ""),
        ("Etc/GMT+5", ""),
        ("Not/A_Zone", ""),
        ("", ""),
    ],
)
def test_a_time_zone_tells_the_country(zone: str, country: str) -> None:
    assert zones.country_for_zone(zone) == country


def test_every_country_with_lines_has_a_translatable_name() -> None:
    assert set(countries.NAMES) == set(resources.countries())
    with translation.override("en"):
        assert countries.name("uk") == "United Kingdom"
    with translation.override("es"):
        assert countries.name("uk") == "Reino Unido"
    with translation.override("en"):
        assert countries.name("FR") == "France"  # every country, in the reader's language
    with translation.override("es"):
        assert countries.name("FR") == "Francia"
    assert countries.name("ZZ") == ""


def test_the_screen_and_the_data_stay_free_of_django() -> None:
    code = (
        "import sys, tend.safety, tend.safety.screening, tend.safety.resources, "
        "tend.safety.evaluate, tend.lib.zones; tend.safety.resources.resources_for('GB'); "
        "assert tend.safety.screening.screen('quiero morirme', 'es').level == 'urgent'; "
        "tend.lib.zones.country_for_zone('Europe/Madrid'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# Which lines a client sees


@pytest.mark.django_db
def test_a_clients_country_is_theirs_or_their_time_zones(alice: Practitioner) -> None:
    client = factories.ClientFactory(practitioner=alice, timezone="America/Mexico_City")
    assert crisis.country_for(client) == "MX"
    client.country = "AR"
    assert crisis.country_for(client) == "AR"
    client.country, client.timezone = "", "UTC"
    assert crisis.country_for(client) == ""


@pytest.mark.django_db
def test_a_client_sees_their_practices_lines_first_and_never_anothers(
    alice: Practitioner, bob: Practitioner, dana: Client
) -> None:
    mine = CrisisLine.objects.create(
        practice=alice.practice, name="Alice after hours", phone="600 100 200"
    )
    CrisisLine.objects.create(
        practice=alice.practice, country="ES", name="Alice Madrid line", phone="911 000 000"
    )
    CrisisLine.objects.create(
        practice=alice.practice, country="GB", name="Alice London line", phone="020 7946 0000"
    )
    CrisisLine.objects.create(practice=bob.practice, name="Bob's line", phone="600 999 999")
    CrisisLine.objects.create(
        practice=bob.practice, country="ES", name="Bob Madrid", phone="600 888 888"
    )

    found = crisis.resources_for_client(dana)  # in Madrid

    names = [entry.name for entry in found]
    assert names[:2] == [mine.name, "Alice Madrid line"]
    assert all(entry.from_practice for entry in found[:2])
    assert "024 Línea de atención a la conducta suicida" in names
    assert "Alice London line" not in names
    assert not any("Bob" in name for name in names)
    assert found[-1].emergency
    assert found[-1].phone == "112"


@pytest.mark.django_db
def test_a_client_whose_country_tend_does_not_cover_gets_directories_and_their_practice(
    alice: Practitioner,
) -> None:
    CrisisLine.objects.create(
        practice=alice.practice, country="FR", name="Ligne Paris", phone="01 45 39 40 00"
    )
    client = factories.ClientFactory(practitioner=alice, timezone="Europe/Paris")

    names = [entry.name for entry in crisis.resources_for_client(client)]

    assert names[0] == "Ligne Paris"
    assert "Find A Helpline" in names
