"""Country names in the reader's language, and country choices for forms.

Every country is named in the reader's language from Babel's CLDR data
(`babel.Locale(lang).territories`), and sorted for it. `NAMES` is the list of countries Tend
has crisis lines for (one per entry in tend/safety's data/crisis_resources.toml; a test
checks they match), which forms offer first; its translations are the fallback should
Babel lack a name. Which codes are countries comes from the tz database's iso3166.tab.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from babel.core import Locale, UnknownLocaleError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tend.lib import zones

NAMES: dict[str, Promise] = {
    "US": pgettext_lazy("country", "United States"),
    "GB": pgettext_lazy("country", "United Kingdom"),
    "IE": pgettext_lazy("country", "Ireland"),
    "CA": pgettext_lazy("country", "Canada"),
    "AU": pgettext_lazy("country", "Australia"),
    "ES": pgettext_lazy("country", "Spain"),
    "MX": pgettext_lazy("country", "Mexico"),
    "AR": pgettext_lazy("country", "Argentina"),
    "CO": pgettext_lazy("country", "Colombia"),
    "CL": pgettext_lazy("country", "Chile"),
}

Choices = list[tuple[Any, Any]]


@lru_cache(maxsize=8)
def _territories(language: str) -> Mapping[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def name_in(code: str, language: str) -> str:
    """The country's name in `language`, else in English, else "" (not a country)."""
    code = zones.normalise_country(code)
    if code not in NAMES and code not in zones.country_names():
        return ""
    found = _territories(language).get(code) or _territories("en").get(code)
    if found:
        return str(found)
    if code in NAMES:
        return str(NAMES[code])
    return zones.country_names().get(code, "")


def name(code: str) -> str:
    """The country's name in the active language."""
    return name_in(code, (translation.get_language() or "en").split("-")[0])


def sort_key(text: str) -> str:
    """Alphabetical as a reader expects: accents don't move a name ("Ó" sorts with "O")."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _sort_key(pair: tuple[str, str]) -> str:
    return sort_key(pair[1])


def with_lines() -> list[tuple[str, str]]:
    """(code, name) for every country Tend has crisis lines for, sorted by name."""
    return sorted(((code, name(code)) for code in NAMES), key=_sort_key)


def is_known(code: str) -> bool:
    """A real ISO 3166 country code (or one we have lines for)."""
    return code in NAMES or code in zones.country_names()


def choices(blank_label: Any, keep: Iterable[str] = ()) -> Choices:
    """For a select: the blank choice, countries with lines, then every other country.

    `keep` holds codes that must stay choosable (a value saved earlier), even if the tz
    database's country list is missing on this machine.
    """
    first = with_lines()
    listed = {code for code, _name in first}
    others = {code: name(code) for code in zones.country_names() if code not in listed}
    for code in keep:
        if code and code not in listed and code not in others:
            others[code] = name(code) or code
    result: Choices = [("", blank_label), (_("Countries Tend has crisis lines for"), first)]
    if others:
        result.append((_("Other countries"), sorted(others.items(), key=_sort_key)))
    return result
