"""Crisis lines to show a client, by country, from data/crisis_resources.toml.

`resources_for("GB")` returns the country's crisis lines followed by its emergency
number. Fallback, for an empty or unknown country code: the international directories
(Find A Helpline, IASP, Befrienders Worldwide) followed by guidance on emergency numbers
(112, 911, 999, 000), so a client always sees somewhere to turn.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

ALIASES = {"UK": "GB"}


@dataclass(frozen=True)
class CrisisResource:
    name: str
    phone: str | None = None
    text: str | None = None
    website: str | None = None
    languages: tuple[str, ...] = ()
    hours: str | None = None
    note: str | None = None
    emergency: bool = False


@cache
def _data() -> Mapping[str, Any]:
    path = resources.files("tend.safety") / "data" / "crisis_resources.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _line(entry: Mapping[str, Any]) -> CrisisResource:
    return CrisisResource(
        name=entry["name"],
        phone=entry.get("phone"),
        text=entry.get("text"),
        website=entry.get("website"),
        languages=tuple(entry.get("languages", ())),
        hours=entry.get("hours"),
        note=entry.get("note"),
    )


def countries() -> tuple[str, ...]:
    """Country codes with their own entries (ISO 3166-1 alpha-2)."""
    return tuple(_data()["countries"])


def reviewed() -> str:
    """When the data file was last checked against the services' own websites."""
    return str(_data()["reviewed"])


def resources_for(country_code: str) -> list[CrisisResource]:
    """The country's crisis lines then its emergency number; unknown: international help."""
    code = country_code.strip().upper()
    code = ALIASES.get(code, code)
    country = _data()["countries"].get(code)
    if country is None:
        international = _data()["international"]
        guidance = CrisisResource(
            name="Emergency services", note=international["emergency_guidance"], emergency=True
        )
        return [*map(_line, international["lines"]), guidance]
    emergency = CrisisResource(
        name="Emergency services", phone=country["emergency"], hours="24/7", emergency=True
    )
    return [*map(_line, country["lines"]), emergency]
