"""Crisis lines made ready for a template: links, translated hours, the client's own words."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tend.lib import countries
from tend.safety import resources
from tend.safety.resources import CrisisResource


def current_language() -> str:
    return resources.base_language(translation.get_language() or settings.LANGUAGE_CODE)


def _hours(hours: str | None) -> str:
    if not hours or hours == "directory":
        return ""
    if hours.replace(" ", "") == "24/7":
        return _("Open day and night, every day")
    return hours


def _languages(line: CrisisResource, language: str) -> str:
    """The line's languages ("English and French") if the reader's isn't one of them."""
    if not line.languages or language in line.languages:
        return ""
    names = []
    for code in line.languages:
        try:
            names.append(str(translation.get_language_info(code)["name_translated"]))
        except KeyError:
            continue
    return str(get_text_list(names, pgettext("last two items of a list", "and"))) if names else ""


def tel_link(number: str) -> SafeString:
    uri = resources.tel_uri(number)
    if uri is None:
        return format_html("{}", number)
    return format_html('<a href="{}">{}</a>', uri, number)


def _either(numbers: list[SafeString]) -> SafeString:
    """'<a>999</a> or <a>112</a>', each number already a safe link."""
    if len(numbers) == 1:
        return numbers[0]
    words = format_html(" {} ", pgettext("last two items of a list", "or"))
    return mark_safe(", ".join(numbers[:-1]) + words + numbers[-1])  # noqa: S308 (all escaped)


def present(line: CrisisResource, language: str) -> dict[str, Any]:
    return {
        "name": line.name,
        "phone": line.phone,
        "tel": line.tel,
        "text": line.text,
        "text_body": line.text_body,
        "sms": line.sms,
        "whatsapp": line.whatsapp,
        "whatsapp_link": line.whatsapp_link,
        "website": line.website,
        "website_label": line.website_label,
        "hours": _hours(line.hours),
        "about": line.about_in(language),
        "languages": _languages(line, language),
        "from_practice": line.from_practice,
    }


def crisis_context(
    entries: list[CrisisResource],
    country: str,
    level: int = 2,
    intro: bool = True,
    anchor: str = "",
) -> dict[str, Any]:
    """For safety/crisis_resources.html. `anchor` is the section's id (only with `intro`)."""
    language = current_language()
    level = max(1, min(int(level), 5))
    emergency = next((entry for entry in entries if entry.emergency), None)
    emergency_numbers = emergency.phones if emergency else ()
    return {
        "uid": f"crisis-{uuid.uuid4().hex[:8]}",
        "level": level,
        "sub": level + 1 if intro else level,
        "intro": intro,
        "anchor": anchor if intro else "",
        "country": country,
        "country_name": countries.name(country) if country else "",
        "lines": [present(entry, language) for entry in entries if not entry.emergency],
        "emergency_numbers": _either([tel_link(n) for n in emergency_numbers])
        if emergency_numbers
        else "",
        "emergency_about": emergency.about_in(language) if emergency else None,
        "eu": tel_link("112"),
        "na": tel_link("911"),
        "help_url": reverse("safety:help"),
    }
