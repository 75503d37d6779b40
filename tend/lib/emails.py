"""Emails as three templates: <name>-subject.txt, <name>-body.txt and <name>-body.html."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


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


def send(
    name: str,
    *,
    to: str,
    language: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    subject, text, html = render(name, language, context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        # Never log the message itself: it may carry a sign-in link.
        log.warning("email %s not sent: %s", name, type(exc).__name__)
        raise EmailNotSent from exc
