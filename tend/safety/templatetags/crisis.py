"""Crisis lines in any template.

{% load crisis %}
{% crisis_resources client=signed_in_client %}      a client's own lines
{% crisis_resources client=checkin.client level=3 %}
{% crisis_resources country="GB" %}                  no client known
{% crisis_help_url %}                                the help page, for this page's client
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import translation

from tend.clients.models import Client
from tend.lib import zones
from tend.safety import crisis
from tend.safety.display import crisis_context

register = template.Library()


@register.inclusion_tag("safety/crisis_resources.html")
def crisis_resources(
    client: Client | None = None,
    country: str | None = None,
    practice_id: int | None = None,
    level: int = 2,
    intro: bool = True,
    anchor: str = "",
) -> dict[str, Any]:
    """Crisis lines for `client` (their practice's, then their country's), else for `country`.

    `level` is the heading level of "If you are in danger..."; each line's name is one
    below. With intro=False the heading and the opening words are left out (the page has
    its own). `anchor`, if given, is the section's id (e.g. "crisis-resources").
    """
    if isinstance(client, Client):
        code = crisis.country_for(client)
        entries = crisis.resources_for_client(client)
    else:
        code = zones.normalise_country(country or "")
        entries = crisis.resources_for_country(code, practice_id)
    return crisis_context(entries, code, level, intro, anchor)


def _page_client(context: template.Context) -> Client | None:
    """The client a client page is about when nobody is signed in (e.g. from an email)."""
    for candidate in (context.get("client"), getattr(context.get("checkin"), "client", None)):
        if isinstance(candidate, Client):
            return candidate
    return None


@register.simple_tag(takes_context=True)
def crisis_help_url(context: template.Context) -> str:
    """The help page. Without a session it carries the page's client, or its language."""
    url = reverse("safety:help")
    if context.get("signed_in_client") is not None:
        return url
    client = _page_client(context)
    if client is not None:
        return f"{url}?{urlencode({'for': crisis.hint_for(client)})}"
    language = translation.get_language()
    return f"{url}?{urlencode({'lang': language})}" if language else url
