"""Emails as three templates: <name>-subject.txt, <name>-body.txt and <name>-body.html."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    with translation.override(language):
        ctx = {
            "site_url": settings.SITE_URL,
            "language": language,
            "link_hours": settings.CLIENT_LINK_HOURS,
            **context,
        }
        subject = " ".join(render_to_string(f"{name}-subject.txt", ctx).split())
        text = render_to_string(f"{name}-body.txt", ctx)
        html = render_to_string(f"{name}-body.html", ctx)
    return subject, text, html
