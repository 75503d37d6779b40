"""A client's own path: their sessions, check-ins, practices done, entries and ripples, in
one calm line, and everything Tend holds about them as a file they can keep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tend.care.models import Session
from tend.checkins.models import CheckIn, ClientReply, Reply, State
from tend.clients.models import Client
from tend.integration.models import ExerciseDone
from tend.journal.models import Entry, EntryKind

LIMIT = 300
NOT_INCLUDED = _(
    "Not included: your practitioner's private working notes, and the practice's own "
    "records of alerts about you. You can ask your practice for either."
)


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    kind: str  # session, checkin, practice, entry, ripple
    item: Any


def steps(client: Client, language: str, limit: int = LIMIT) -> list[Step]:
    """Newest first. Words and feelings, never numbers: a path, not a score."""
    now = timezone.now()
    done = list(
        ExerciseDone.objects.filter(client=client)
        .select_related("exercise")
        .order_by("-at")[:limit]
    )
    for item in done:
        item.title = item.exercise.title(language)  # type: ignore[attr-defined]
    found = [
        *(
            Step(s.starts_at, "session", s)
            for s in Session.objects.filter(client=client, starts_at__lte=now)
            .select_related("practitioner")
            .order_by("-starts_at")[:limit]
        ),
        *(
            Step(c.answered_at, "checkin", c)
            for c in CheckIn.objects.filter(client=client, state=State.ANSWERED)
            .exclude(answered_at=None)
            .order_by("-answered_at")[:limit]
            if c.answered_at is not None
        ),
        *(Step(d.at, "practice", d) for d in done),
        *(
            Step(e.created_at, "ripple" if e.kind == EntryKind.RIPPLE else "entry", e)
            for e in Entry.objects.filter(client=client).order_by("-created_at")[:limit]
        ),
    ]
    return sorted(found, key=lambda step: step.at, reverse=True)[:limit]


def _when(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at else None


def everything(client: Client) -> dict[str, Any]:
    """All Tend holds about the client that is theirs to have, as plain values, in their
    language (names of kinds and feelings too; times in ISO 8601).

    Not included, and the files say so: the practitioner's private working notes, and the
    practice's own records of alerts about them (ask the practice for either).
    """
    with translation.override(client.language):
        return _everything(client, client.language)


def _everything(client: Client, language: str) -> dict[str, Any]:
    sessions = Session.objects.filter(client=client).select_related("practitioner")
    checkins = CheckIn.objects.filter(client=client, state=State.ANSWERED)
    replies = Reply.objects.filter(client=client).select_related("practitioner")
    answers = ClientReply.objects.filter(client=client)
    done = ExerciseDone.objects.filter(client=client).select_related("exercise")
    entries = Entry.objects.filter(client=client).select_related("seen_by")
    return {
        "about": {
            "name": client.name,
            "email": client.email,
            "language": client.language,
            "time_zone": client.timezone,
            "country": client.country,
            "quiet_hours": [client.quiet_start.isoformat(), client.quiet_end.isoformat()],
            "practitioner": client.practitioner.name,
            "joined": _when(client.created_at),
            "emails_stopped": _when(client.emails_stopped_at),
            "paused_until": _when(client.paused_until),
        },
        "sessions": [
            {
                "when": _when(s.starts_at),
                "with": s.practitioner.name,
                "modality": str(s.get_modality_display()),
                "intensity": str(s.get_intensity_display()),
                "note_for_you": s.client_note,
                "guidance": s.guidance,
            }
            for s in sessions.order_by("starts_at")
        ],
        "check_ins": [
            {
                "answered": _when(c.answered_at),
                "one_tap_answers": [
                    {"answer": label, "when": _when(at)} for label, at in c.earlier_quick_answers()
                ]
                + (
                    [{"answer": str(c.get_quick_answer_display()), "when": _when(c.answered_at)}]
                    if c.quick_answer
                    else []
                ),
                "activation": c.activation,
                "sensations": c.sensation_labels(),
                "feelings": c.emotion_labels(),
                "basics": dict(c.basics()),
                "what_you_needed": c.need,
                "asked_to_be_contacted": c.wants_contact,
                "note": c.note,
                "seen": _when(c.seen_at),
            }
            for c in checkins.order_by("answered_at")
        ],
        "messages_from_your_practitioner": [
            {"when": _when(r.created_at), "from": r.practitioner.name, "text": r.body}
            for r in replies.order_by("created_at")
        ],
        "your_answers_to_them": [
            {"when": _when(a.created_at), "text": a.body} for a in answers.order_by("created_at")
        ],
        "practices_done": [
            {
                "when": _when(d.at),
                "practice": d.exercise.title(language),
                "kind": str(d.exercise.get_kind_display()),
            }
            for d in done.order_by("at")
        ],
        "journal": [
            {
                "written": _when(e.created_at),
                "kind": str(e.get_kind_display()),
                "prompt": e.prompt,
                "text": e.text,
                "shared": _when(e.shared_at),
                "seen": _when(e.seen_at),
            }
            for e in entries.order_by("created_at")
        ],
        "not_included": str(NOT_INCLUDED),
    }
