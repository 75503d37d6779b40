"""The follow-up email: one-tap answers, the fuller form, a quiet day, and a way out.

The worker sends tens of thousands of these, so the templates are rendered once per
language and kind, with a stand-in for every per-message value, and each message fills
them in (tend/notify/mime.py writes the MIME).
"""

from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import escape

from tend.care import plans
from tend.care.models import Session
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, QuickAnswer
from tend.clients import email_links
from tend.integration import links as practice_links
from tend.lib import emails
from tend.notify import mime, outbox
from tend.notify.outbox import message_id


def _slot(name: str) -> str:
    return f"TENDSLOT{name.upper()}X"


@functools.lru_cache(maxsize=32)
def _skeleton(
    language: str, reminder: bool, with_guidance: bool, practices: int
) -> tuple[str, str, str]:
    """Subject, text and HTML with a stand-in for every per-message value."""
    with translation.override(language):
        answers = [
            {"label": str(label), "url": _slot(value)} for value, label in QuickAnswer.choices
        ]
    return emails.render(
        "checkins/emails/checkin",
        language,
        {
            "client": {"name": _slot("client")},
            "practitioner": {"name": _slot("practitioner")},
            "reminder": reminder,
            "guidance": _slot("guidance") if with_guidance else "",
            "practices": [
                {
                    "title": _slot(f"p{n}title"),
                    "summary": _slot(f"p{n}summary"),
                    "url": _slot(f"p{n}url"),
                }
                for n in range(practices)
            ],
            "answers": answers,
            "more_url": _slot("more"),
            "quiet_url": _slot("quiet"),
            "stop_url": _slot("stop"),
        },
    )


def _fill(template: str, values: dict[str, str]) -> str:
    """Each stand-in replaced by its value in one pass: a value is never read again, so a
    name that happens to hold a stand-in's text stays just a name."""
    by_slot = {_slot(name): value for name, value in values.items()}
    slots = re.compile("|".join(re.escape(s) for s in sorted(by_slot, key=len, reverse=True)))
    return slots.sub(lambda found: by_slot[found.group(0)], template)


# The practices a kind of session offers, by (practice, intensity, modality, language): a
# worker sends thousands of emails for a handful of plans, and a plan changed is offered
# within a minute.
OFFERED_SECONDS = 60.0
_offered: dict[tuple[int, str, str, str], tuple[float, list[tuple[int, str, str]]]] = {}


def offered(session: Session, language: str) -> list[tuple[int, str, str]]:
    """(id, title, summary) of the practices that go with this session, in `language`."""
    key = (session.practice_id, session.intensity, session.modality, language)
    now = time.monotonic()
    cached = _offered.get(key)
    if cached is not None and now - cached[0] < OFFERED_SECONDS:
        return cached[1]
    found = []
    for exercise in plans.session_exercises(session):
        words = exercise.words(language)
        found.append((exercise.pk, str(words.get("title", "")), str(words.get("summary", ""))))
    if len(_offered) > 1_000:
        _offered.clear()
    _offered[key] = (now, found)
    return found


def key(checkin: CheckIn, *, reminder: bool) -> str:
    """The delivery key of a check-in's email, or of its reminder."""
    return f"{'reminder' if reminder else 'checkin'}:{checkin.pk}"


def build(checkin: CheckIn, *, reminder: bool = False) -> bytes:
    """The whole message, as it goes over SMTP (to the client's address, made ASCII)."""
    client = checkin.client
    language = client.language
    guidance = ""
    if checkin.sequence == 1 and checkin.session is not None and not reminder:
        guidance = plans.guidance_for(checkin.session, language)
    practices = []
    if checkin.session is not None and not reminder:
        practices = offered(checkin.session, language)
    stop_url = email_links.url(client.pk, email_links.STOP)
    values = {
        "client": client.name,
        "practitioner": client.practitioner.name,
        "guidance": guidance,
        "more": answer_links.answer_url(checkin.pk, answer_links.MORE),
        "quiet": email_links.url(client.pk, email_links.QUIET_DAY),
        "stop": stop_url,
        **{value: answer_links.answer_url(checkin.pk, value) for value in QuickAnswer.values},
    }
    for n, (exercise_id, title, summary) in enumerate(practices):
        values[f"p{n}title"] = title
        values[f"p{n}summary"] = summary
        values[f"p{n}url"] = practice_links.practice_url(client.pk, exercise_id)
    subject, text, html = _skeleton(language, reminder, bool(guidance), len(practices))
    escaped: dict[str, str] = {name: str(escape(value)) for name, value in values.items()}
    escaped["guidance"] = linebreaksbr(guidance, autoescape=True)
    headers = {
        "Message-ID": message_id(key(checkin, reminder=reminder)),
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return mime.alternative(
        from_=settings.DEFAULT_FROM_EMAIL,
        to=outbox.envelope_address(client.email),
        subject=_fill(subject, values),
        text=_fill(text, values),
        html=_fill(html, escaped),
        headers=headers,
    )
