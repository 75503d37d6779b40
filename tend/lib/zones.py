"""Which country an IANA time zone is in, and countries' English names, from the tz database;
and country codes as people write them ("uk", " gb ") made the ISO code ("GB").

Read from the same tz database Python's zoneinfo uses (the system's, found on
`zoneinfo.TZPATH`, else the `tzdata` package): `zone.tab` maps each zone to its country,
`tzdata.zi` resolves older link names (US/Eastern, Asia/Calcutta) to their zones, and
`iso3166.tab` names the countries. When none of it is installed, every answer is empty
and clients see the international directories, never an error.

Plain Python, no Django.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

ALIASES = {"UK": "GB"}


def normalise_country(country_code: str) -> str:
    code = country_code.strip().upper()
    return ALIASES.get(code, code)


def _tz_file(name: str) -> str:
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / name
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ImportError, OSError):
        return ""


def _rows(text: str) -> list[list[str]]:
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@cache
def zone_countries() -> Mapping[str, str]:
    """{"Europe/Madrid": "ES", "US/Eastern": "US", ...} for every zone with a country."""
    table = {row[2]: row[0].upper() for row in _rows(_tz_file("zone.tab")) if len(row) >= 3}
    links: dict[str, str] = {}
    for line in _tz_file("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    for link, target in links.items():
        seen = 0
        while target not in table and target in links and seen < 5:  # a link to a link
            target, seen = links[target], seen + 1
        if link not in table and target in table:
            table[link] = table[target]
    return table


@cache
def country_names() -> Mapping[str, str]:
    """{"ES": "Spain", ...}: English names of every ISO 3166 country code."""
    return {
        row[0].upper(): row[1].strip() for row in _rows(_tz_file("iso3166.tab")) if len(row) >= 2
    }


def country_for_zone(zone: str) -> str:
    """The country code for an IANA time zone ("America/Mexico_City" -> "MX"), or ""."""
    return zone_countries().get(zone.strip(), "")


@cache
def canonical_zones() -> Mapping[str, str]:
    """{"Europe/Madrid": "ES", ...}: each zone.tab zone (no old link names) and its country."""
    return {row[2]: row[0].upper() for row in _rows(_tz_file("zone.tab")) if len(row) >= 3}


def zones_in(country_code: str) -> list[str]:
    """The canonical zones of a country, in zone.tab's order (the main one first)."""
    code = normalise_country(country_code)
    return [zone for zone, country in canonical_zones().items() if country == code]
