"""Crisis lines to show a client, by country, from data/crisis_resources.toml.

`resources_for("GB")` returns the country's crisis lines followed by its emergency
number. Fallback, for an empty or unknown country code: the international directories
(Find A Helpline, IASP, Befrienders Worldwide) followed by guidance on emergency numbers
(112, 911, 999, 000), so a client always sees somewhere to turn.

Each entry knows its own links: `tel` (tap to call), `sms` (tap to text, with the message
filled in) and `whatsapp_link`, each None when the number can't make a working link.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from tend.lib.zones import normalise_country

# What people write between digits: spaces (also no-break), hyphens, dots, brackets, slashes.
_SEPARATORS = re.compile(r"[\s\-.()/\u00a0\u2011\u2013]")
# RFC 3966: a global number is "+" and digits; a local one (a short code like 024 or *4141)
# may also hold "*" and "#". Phones dial local numbers without the phone-context parameter.
_DIALABLE = re.compile(r"\+[0-9]{4,15}|(?=(?:[*#]*[0-9]){3})[0-9*#]+")
# RFC 5724: sms: takes a global or local number of digits only.
_TEXTABLE = re.compile(r"\+?[0-9]{3,15}")
_WHATSAPP = re.compile(r"\+[0-9]{8,15}")


def _compact(number: str) -> str:
    return _SEPARATORS.sub("", number.strip())


def tel_uri(number: str) -> str | None:
    """A tel: URI that calls `number`, or None if it isn't a number a phone can dial."""
    compact = _compact(number)
    if len(compact) > 20 or not _DIALABLE.fullmatch(compact):
        return None
    return "tel:" + compact.replace("#", "%23")


def sms_uri(number: str, body: str | None = None) -> str | None:
    """An sms: URI for `number` with `body` filled in, or None if it can't take a text."""
    compact = _compact(number)
    if not _TEXTABLE.fullmatch(compact):
        return None
    uri = "sms:" + compact
    if body and body.strip():
        uri += "?body=" + quote(body.strip(), safe="")
    return uri


def whatsapp_uri(number: str) -> str | None:
    """A wa.me link for an international number ("+57 300 754 8933"), or None."""
    compact = _compact(number)
    if not _WHATSAPP.fullmatch(compact):
        return None
    return "https://wa.me/" + compact[1:]


def base_language(language: str) -> str:
    return language.replace("_", "-").split("-")[0].strip().lower()


@dataclass(frozen=True)
class CrisisResource:
    name: str
    phone: str | None = None
    text: str | None = None
    website: str | None = None
    languages: tuple[str, ...] = ()
    hours: str | None = None
    # For maintainers only; never shown to a client (may say "verify:").
    note: str | None = None
    emergency: bool = False
    # What to send to the text number ("HOME"); the sms: link fills it in.
    text_body: str | None = None
    whatsapp: str | None = None
    # Shown to clients: (language, words) pairs; "" is any language (a practice's own notes).
    about: tuple[tuple[str, str], ...] = ()
    # An emergency entry's further numbers ("999", then "112").
    other_phones: tuple[str, ...] = ()
    # One of the practice's own lines, not Tend's data file.
    from_practice: bool = False

    @property
    def tel(self) -> str | None:
        return tel_uri(self.phone) if self.phone else None

    @property
    def sms(self) -> str | None:
        return sms_uri(self.text, self.text_body) if self.text else None

    @property
    def whatsapp_link(self) -> str | None:
        return whatsapp_uri(self.whatsapp) if self.whatsapp else None

    @property
    def phones(self) -> tuple[str, ...]:
        return ((self.phone,) if self.phone else ()) + self.other_phones

    @property
    def website_label(self) -> str:
        """The site's address without scheme or "www.", e.g. "samaritans.org"."""
        if not self.website:
            return ""
        host = urlsplit(self.website).hostname or self.website
        return host.removeprefix("www.")

    def about_in(self, language: str) -> str | None:
        """The client-facing words in `language`, or words for any language, or None."""
        found = dict(self.about)
        return found.get(base_language(language)) or found.get("") or None


@cache
def _data() -> Mapping[str, Any]:
    path = resources.files("tend.safety") / "data" / "crisis_resources.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _about(value: Mapping[str, str] | str | None) -> tuple[tuple[str, str], ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (("", value),)
    return tuple((base_language(lang), words) for lang, words in value.items())


def _line(entry: Mapping[str, Any]) -> CrisisResource:
    return CrisisResource(
        name=entry["name"],
        phone=entry.get("phone"),
        text=entry.get("text"),
        website=entry.get("website"),
        languages=tuple(entry.get("languages", ())),
        hours=entry.get("hours"),
        note=entry.get("note"),
        text_body=entry.get("text_body"),
        whatsapp=entry.get("whatsapp"),
        about=_about(entry.get("about")),
    )


def _numbers(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def countries() -> tuple[str, ...]:
    """Country codes with their own entries (ISO 3166-1 alpha-2)."""
    return tuple(_data()["countries"])


def reviewed() -> str:
    """When the data file was last checked against the services' own websites."""
    return str(_data()["reviewed"])


def international() -> list[CrisisResource]:
    """The directories that list crisis lines in most countries."""
    return [*map(_line, _data()["international"]["lines"])]


def resources_for(country_code: str) -> list[CrisisResource]:
    """The country's crisis lines then its emergency number; unknown: international help."""
    code = normalise_country(country_code)
    country = _data()["countries"].get(code)
    if country is None:
        guidance = CrisisResource(
            name="Emergency services",
            note=_data()["international"]["emergency_guidance"],
            emergency=True,
        )
        return [*international(), guidance]
    first, *others = _numbers(country["emergency"])
    emergency = CrisisResource(
        name="Emergency services",
        phone=first,
        other_phones=tuple(others),
        hours="24/7",
        emergency=True,
        about=_about(country.get("emergency_about")),
    )
    return [*map(_line, country["lines"]), emergency]
