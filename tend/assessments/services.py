"""Giving a client a questionnaire, and keeping their answers with the score.

A practitioner sends one by email (through the outbox, in the same transaction); the client
answers from the email's signed link or in Tend; the ladder quiz a client can begin
themselves. Answering sends `signals.answered`, which opens an urgent alert when a critical
item was answered above 0.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tend.assessments import catalogue, links, signals
from tend.assessments.models import Administration
from tend.assessments.scoring import BadAnswers, Definition, score
from tend.clients.models import Client
from tend.lib.languages import pick
from tend.notify import outbox
from tend.notify.models import Delivery
from tend.practices.models import Practitioner

LADDER = catalogue.LADDER


def definition(practice_id: int, slug: str) -> Definition:
    found = catalogue.definition(practice_id, slug)
    if found is None:
        raise BadAnswers(f"there is no questionnaire {slug!r}")
    return found


def offered_choices(practice_id: int, language: str) -> list[tuple[str, str]]:
    """(slug, title) of every questionnaire a practitioner can send."""
    return [(d.slug, str(pick(d.title, language))) for d in catalogue.offered(practice_id)]


def send(client: Client, slug: str, practitioner: Practitioner) -> Administration:
    """Ask `client` to answer `slug` now: an email with a link that needs no sign-in."""
    with transaction.atomic():
        now = timezone.now()
        administration = Administration.objects.create(
            practice_id=client.practice_id,
            client=client,
            slug=slug,
            version=definition(client.practice_id, slug).version,
            sent_by=practitioner,
            sent_at=now,
            remind_at=now + remind_after(),
        )
        email(administration)
    return administration


def remind_after() -> dt.timedelta:
    return dt.timedelta(hours=settings.CHECKIN_REMIND_AFTER_HOURS)


def email(administration: Administration, *, reminder: bool = False) -> None:
    """Write the questionnaire's email (or its one reminder) to the outbox."""
    client = administration.client
    asked = definition(client.practice_id, administration.slug)
    language = client.language
    name = client.practitioner.name
    outbox.email(
        "assessments/emails/ask",
        to=client.email,
        language=language,
        context={
            "client_name": client.name,
            "practitioner_name": name,
            "title": pick(asked.title, language),
            "items": len(asked.items),
            "url": links.answer_url(administration.pk),
            "reminder": reminder,
        },
        kind=Delivery.Kind.QUESTIONNAIRE,
        key=f"questionnaire{'-reminder' if reminder else ''}:{administration.pk}",
        practice_id=client.practice_id,
        client_id=client.pk,
    )


def begin(client: Client, slug: str = LADDER) -> Administration:
    """A questionnaire the client starts themselves (the ladder quiz)."""
    return Administration(
        practice_id=client.practice_id,
        client=client,
        slug=slug,
        version=definition(client.practice_id, slug).version,
    )


def answer(administration: Administration, answers: list[int]) -> bool:
    """Score and keep the answers. False if it was answered already (nothing changes)."""
    asked = definition(administration.practice_id, administration.slug)
    result = score(administration.slug, answers, asked)
    now = timezone.now()
    with transaction.atomic():
        fields = {
            "answers": answers,
            "total": result.total,
            "scaled": result.scaled,
            "band": result.band,
            "flags": list(result.flags),
            "answered_at": now,
        }
        if administration.pk is None:
            for name, value in fields.items():
                setattr(administration, name, value)
            administration.save()
        else:
            updated = Administration.objects.filter(
                pk=administration.pk, answered_at__isnull=True
            ).update(**fields)
            if not updated:
                return False
            administration.refresh_from_db()
        signals.answered.send(sender=Administration, administration=administration)
    return True
