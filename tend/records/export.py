"""A practice's whole record, for moving it elsewhere: its people (never a password), its
own plans, practices and questionnaires, and every client with what the client's own
download holds plus what is the practice's to keep (private session notes, alerts,
questionnaires). A client's private journal entries stay out: nobody at the practice could
read them in Tend either."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tend.alerts.models import Alert
from tend.assessments.models import Administration, Questionnaire
from tend.care.models import AftercarePlan, Session
from tend.checkins import path
from tend.clients.models import Client
from tend.integration.models import Exercise
from tend.practices.models import Practice, Practitioner

FORMAT = "tend-practice-export/1"
NOT_INCLUDED = _(
    "Not included: passwords, sign-in links, and clients' private journal entries "
    "(nobody at the practice can read those in Tend either)."
)


def _when(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at else None


def practice_everything(practice: Practice) -> dict[str, Any]:
    clients = Client.objects.filter(practice=practice).select_related("practitioner")
    return {
        "format": FORMAT,
        "made": _when(timezone.now()),
        "practice": {"id": practice.pk, "name": practice.name},
        "practitioners": _practitioners(practice),
        "aftercare_plans": [
            {
                "intensity": p.intensity,
                "modality": p.modality,
                "hours": p.hours,
                "guidance": p.guidance,
            }
            for p in AftercarePlan.objects.filter(practice=practice).order_by("pk")
        ],
        "own_practices": [
            {"key": e.key, "kind": e.kind, "minutes": e.minutes, "text": e.text}
            for e in Exercise.objects.filter(practice=practice).order_by("pk")
        ],
        "own_questionnaires": [
            {"slug": q.slug, "definition": q.text}
            for q in Questionnaire.objects.filter(practice=practice).order_by("pk")
        ],
        "clients": [client_record(c) for c in clients.order_by("pk")],
        "not_included": str(NOT_INCLUDED),
    }


def _practitioners(practice: Practice) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "email": p.email,
            "role": p.role,
            "language": p.language,
            "time_zone": p.timezone,
            "active": p.is_active,
            "joined": _when(p.date_joined),
            "covered_by": p.covered_by_id,
        }
        for p in Practitioner.objects.filter(practice=practice).order_by("pk")
    ]


def client_record(client: Client) -> dict[str, Any]:
    """The client's own download (tend/checkins/path.py), less their private entries, plus
    the practice's own records about them."""
    data = path.everything(client)
    del data["not_included"]
    data["journal"] = [entry for entry in data["journal"] if entry["shared"]]
    sessions = Session.objects.filter(client=client).order_by("starts_at")
    alerts = Alert.objects.filter(client=client).order_by("opened_at")
    asked = Administration.objects.filter(client=client).order_by("created_at")
    return {
        "id": client.pk,
        **data,
        "practitioner_id": client.practitioner_id,
        "private_session_notes": [
            {"session": _when(s.starts_at), "note": s.private_note}
            for s in sessions
            if s.private_note
        ],
        "alerts": [
            {
                "kind": a.kind,
                "level": a.level,
                "state": a.state,
                "opened": _when(a.opened_at),
                "acknowledged": _when(a.acknowledged_at),
                "resolved": _when(a.resolved_at),
                "resolution": a.resolution,
            }
            for a in alerts
        ],
        "questionnaires": [
            {
                "questionnaire": q.slug,
                "sent": _when(q.sent_at),
                "answered": _when(q.answered_at),
                "answers": q.answers,
                "total": q.total,
                "band": q.band,
            }
            for q in asked
        ],
    }
