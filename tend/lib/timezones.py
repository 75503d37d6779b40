"""Time zones a person can choose from, named in their language ("España · Madrid"), with
a short list of the likely ones first.

Names come from Babel's CLDR data; the zones from the tz database's zone.tab (one name per
zone, none of the old link names such as US/Eastern, which stay valid and are kept for
whoever already chose one).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tend.lib import countries, zones
from tend.lib.when import UTC_NAMES, _city

# When nothing about a person suggests their zone: where people who speak Tend's languages
# most often live, a handful, never the whole list.
COMMON = (
    "Europe/Madrid",
    "Europe/London",
    "America/Mexico_City",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "America/New_York",
    "America/Los_Angeles",
)
MOST_LIKELY = 10

Choices = list[tuple[Any, Any]]


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid(name: str) -> bool:
    return name in all_zones()


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


@lru_cache(maxsize=4096)
def _label(zone: str, language: str) -> str:
    if zone in UTC_NAMES:
        return "UTC"
    city = _city(zone, language)
    country = zones.country_for_zone(zone)
    place = countries.name_in(country, language) if country else ""
    return f"{place} · {city}" if place else city


def label(zone: str) -> str:
    """ "Spain · Madrid", "España · Madrid": a zone as a person finds it."""
    return _label(zone, _language())


@lru_cache(maxsize=8)
def _everything(language: str) -> tuple[tuple[str, str], ...]:
    named = [(zone, _label(zone, language)) for zone in zones.canonical_zones()]
    named.sort(key=lambda pair: countries.sort_key(pair[1]))
    return (("UTC", "UTC"), *named)


def choices(likely: Iterable[str] = (), keep: str = "") -> Choices:
    """For a select: the likely zones first (as their own group), then every zone."""
    everything = list(_everything(_language()))
    listed = {zone for zone, _name in everything}
    if keep and keep not in listed and is_valid(keep):
        everything.append((keep, keep.replace("_", " ")))
    first: list[tuple[str, str]] = []
    for zone in likely:
        if zone and is_valid(zone) and zone not in {z for z, _n in first}:
            first.append((zone, label(zone) if zone in listed else zone.replace("_", " ")))
        if len(first) == MOST_LIKELY:
            break
    if not first:
        return everything
    return [(_("Suggested"), first), (_("Every time zone"), everything)]


def likely(*groups: Iterable[str]) -> list[str]:
    """The zones of several hints, in order, each once; the common ones fill the rest."""
    seen: list[str] = []
    for zone in [z for group in groups for z in group] + list(COMMON):
        if zone and zone not in seen:
            seen.append(zone)
    return seen[:MOST_LIKELY]
