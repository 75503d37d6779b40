"""Crisis resources by country, from tend/safety/data/crisis_resources.toml."""

from __future__ import annotations

import datetime

import pytest

from tend.safety.resources import CrisisResource, countries, resources_for, reviewed

REQUIRED = ("US", "GB", "IE", "CA", "AU", "ES", "MX", "AR", "CO", "CL")
SPANISH = ("ES", "MX", "AR", "CO", "CL")


def lines(code: str) -> list[CrisisResource]:
    return [entry for entry in resources_for(code) if not entry.emergency]


@pytest.mark.parametrize("code", REQUIRED)
def test_every_required_country(code: str) -> None:
    assert code in countries()
    found = lines(code)
    assert any(line.name and line.phone and line.website for line in found)
    for line in found:
        assert line.name
        assert line.phone or line.text, line
        assert line.website is None or line.website.startswith("https://"), line
        assert line.languages, line


@pytest.mark.parametrize("code", REQUIRED)
def test_emergency_number_comes_last(code: str) -> None:
    *_, emergency = resources_for(code)
    assert emergency.emergency
    assert emergency.phone


@pytest.mark.parametrize("code", SPANISH)
def test_spanish_speaking_countries_have_spanish_lines(code: str) -> None:
    assert all("es" in line.languages for line in lines(code))


def test_known_numbers() -> None:
    assert lines("US")[0].phone == "988"
    assert "es" in lines("US")[0].languages
    assert lines("GB")[0].phone == "116 123"
    assert lines("AU")[0].text == "0477 13 11 14"
    assert "fr" in lines("CA")[0].languages
    assert lines("ES")[0].phone == "024"
    assert resources_for("AU")[-1].phone == "000"


def test_codes_are_forgiving() -> None:
    assert resources_for("UK") == resources_for("GB")
    assert resources_for(" gb ") == resources_for("GB")


@pytest.mark.parametrize("code", ["", "ZZ", "FR", "not a country"])
def test_unknown_country_gets_international_help(code: str) -> None:
    found = resources_for(code)
    assert any(entry.website == "https://findahelpline.com" for entry in found)
    *_, guidance = found
    assert guidance.emergency
    assert guidance.note is not None
    assert "112" in guidance.note
    assert "911" in guidance.note


def test_reviewed_is_a_date() -> None:
    datetime.date.fromisoformat(reviewed())
