"""The follow-up email: one-tap answers, the fuller form, a quiet day, and a way out."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from tend.care import plans
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, QuickAnswer
from tend.clients import email_links
from tend.lib import emails


def message_id(key: str) -> str:
    """Stable per delivery key, so a resend after a crash is recognisably the same message."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{key.replace(':', '.')}@{domain or 'tend'}>"


def build(checkin: CheckIn, *, key: str, reminder: bool = False) -> EmailMultiAlternatives:
    client = checkin.client
    language = client.language
    with translation.override(language):
        answers = [
            {"label": str(label), "url": answer_links.answer_url(checkin.pk, value)}
            for value, label in QuickAnswer.choices
        ]
        guidance = ""
        if checkin.sequence == 1 and checkin.session is not None and not reminder:
            guidance = plans.guidance_for(checkin.session, language)
    stop_url = email_links.url(client.pk, email_links.STOP)
    subject, text, html = emails.render(
        "notify/emails/checkin",
        language,
        {
            "client": client,
            "practitioner": client.practitioner,
            "reminder": reminder,
            "guidance": guidance,
            "answers": answers,
            "more_url": answer_links.answer_url(checkin.pk, answer_links.MORE),
            "quiet_url": email_links.url(client.pk, email_links.QUIET_DAY),
            "stop_url": stop_url,
        },
    )
    headers = {
        "Message-ID": message_id(key),
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(subject, text, to=[client.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
