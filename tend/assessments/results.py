"""What a practitioner reads of a client's questionnaires: each answer's total and band, and
whether the change from the one before is more than measurement error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tend.assessments import catalogue
from tend.assessments.models import Administration, Assignment
from tend.assessments.scoring import reliable_change
from tend.clients.models import Client
from tend.lib.languages import pick


@dataclass(frozen=True)
class Result:
    administration: Administration
    title: str
    score: str  # "12" or, for a scaled measure, "48%"; a ladder's points
    band: str
    change: str  # "reliable improvement", "reliable worsening", "within measurement error", ""


def for_client(client: Client, language: str, limit: int = 30) -> list[Result]:
    rows = list(
        Administration.objects.filter(client=client, answered_at__isnull=False).order_by(
            "-answered_at"
        )[:limit]
    )
    found = []
    for n, row in enumerate(rows):
        definition = catalogue.definition(client.practice_id, row.slug)
        if definition is None:
            continue
        band = next((b for b in definition.bands if b.key == row.band), None)
        earlier = next((r for r in rows[n + 1 :] if r.slug == row.slug), None)
        found.append(
            Result(
                administration=row,
                title=str(pick(definition.title, language)),
                score=_score(row, definition.scoring),
                band=str(pick(band.text, language)) if band else row.band,
                change=_change(earlier, row, definition.sd, definition.reliability),
            )
        )
    return found


def _score(row: Administration, scoring: str) -> str:
    if scoring == "scaled" and row.scaled is not None:
        return f"{row.scaled:g}"
    return str(row.total)


def _change(
    earlier: Administration | None, row: Administration, sd: float | None, reliability: float | None
) -> str:
    """Empty when there is nothing to compare or the measure gives no reference spread."""
    if earlier is None or sd is None or reliability is None or row.scaled is None:
        return ""
    if earlier.scaled is None:
        return ""
    change = reliable_change(earlier.scaled, row.scaled, sd, reliability)
    if not change.reliable:
        return _("within measurement error of the one before")
    return (
        _("reliably higher than the one before")
        if change.index > 0
        else _("reliably lower than the one before")
    )


@dataclass(frozen=True)
class Asked:
    assignment: Assignment
    title: str
    next_due: dt.datetime | None


def active_assignments(client: Client, language: str) -> list[Asked]:
    """What is still being asked of the client, and when it next goes."""
    found = []
    for assignment in Assignment.objects.filter(client=client, stopped_at=None):
        definition = catalogue.definition(client.practice_id, assignment.slug)
        waiting = (
            assignment.given.filter(sent_at=None, cancelled_at=None).order_by("due_at").first()
        )
        found.append(
            Asked(
                assignment,
                str(pick(definition.title, language)) if definition else assignment.slug,
                waiting.due_at if waiting else None,
            )
        )
    return found
