"""Emails as three templates: <name>-subject.txt, <name>-body.txt and <name>-body.html.

The subject and the text body are plain text, rendered without HTML escaping ("Sam O'Brien
& Co", not "Sam O&#x27;Brien &amp; Co"); only the HTML body escapes what it shows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def _plain(name: str, context: dict[str, Any]) -> str:
    template = get_template(name).template  # type: ignore[attr-defined]
    return str(template.render(Context(context, autoescape=False)))


def render(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    with translation.override(language):
        ctx = {
            "site_url": settings.SITE_URL,
            "language": language,
            "link_hours": settings.CLIENT_LINK_HOURS,
            **context,
        }
        subject = " ".join(_plain(f"{name}-subject.txt", ctx).split())
        text = _plain(f"{name}-body.txt", ctx)
        html = render_to_string(f"{name}-body.html", ctx)
    return subject, text, html
