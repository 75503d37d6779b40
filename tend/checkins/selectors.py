"""Reads about clients' sessions, check-ins and replies, for the practitioner's pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import chain
from typing import Any, cast

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tend.care.models import Session
from tend.checkins.models import CheckIn, Reply, State
from tend.clients.models import Client
from tend.notify.models import Delivery


def clients_with_last_checkin(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Each client with their latest answer's time, activation and contact wish (one query)."""
    latest = (
        CheckIn.objects.filter(client=OuterRef("pk"), state=State.ANSWERED)
        .annotate(last_at=Coalesce("answered_again_at", "answered_at"))
        .order_by("-last_at")
    )
    return clients.annotate(
        last_checkin_at=Subquery(latest.values("last_at")[:1]),
        last_activation=Subquery(latest.values("activation")[:1]),
        last_wants_contact=Subquery(latest.values("wants_contact")[:1]),
    ).order_by("name")


WAITING_REPLY_DAYS = 14


def waiting_replies(client: Client, now: dt.datetime) -> list[Reply]:
    """The practitioner's recent replies the client has not answered, written after their
    last check-in: what the client should read first on their home.

    Replies about a journal entry wait under it, in the journal.
    """
    latest = (
        CheckIn.objects.filter(client=client, state=State.ANSWERED)
        .annotate(last_at=Coalesce("answered_again_at", "answered_at"))
        .order_by("-last_at")
        .values_list("last_at", flat=True)
        .first()
    )
    since = now - dt.timedelta(days=WAITING_REPLY_DAYS)
    if latest is not None and latest > since:
        since = latest
    return list(
        Reply.objects.filter(client=client, entry=None, created_at__gt=since, answers=None)
        .select_related("practitioner")
        .order_by("-created_at")[:3]
    )


def timeline(client: Client, limit: int = 200) -> list[dict[str, Any]]:
    """Sessions (each with its follow-up) and answered check-ins, most recent first."""
    sessions = list(Session.objects.filter(client=client).order_by("-starts_at")[:limit])
    followups: dict[int, list[CheckIn]] = defaultdict(list)
    planned = list(
        CheckIn.objects.filter(session__in=sessions)
        .exclude(due_at=None)
        .select_related("client")
        .order_by("due_at")
    )
    emails = _emails(planned)
    for checkin in planned:
        detail = followup_detail(checkin, emails.get(checkin.pk, []))
        checkin.detail = detail  # type: ignore[attr-defined]
        followups[cast(int, checkin.session_id)].append(checkin)
    for session in sessions:
        session.followups = followups[session.pk]  # type: ignore[attr-defined]
    answered = CheckIn.objects.filter(client=client, state=State.ANSWERED)
    checkins = answered.order_by("-answered_at")[:limit]
    entries: chain[dict[str, Any]] = chain(
        ({"kind": "session", "at": s.starts_at, "item": s} for s in sessions),
        ({"kind": "checkin", "at": c.answered_at, "item": c} for c in checkins),
    )
    return sorted(entries, key=lambda e: cast(dt.datetime, e["at"]), reverse=True)[:limit]


def recent_replies(client: Client, limit: int = 10) -> list[Reply]:
    """The latest replies to the client, with what they wrote back, oldest first."""
    rows = (
        Reply.objects.filter(client=client, practice_id=client.practice_id)
        .select_related("practitioner")
        .prefetch_related("answers")
        .order_by("-created_at")[:limit]
    )
    return list(reversed(rows))


CANCEL_REASONS = {
    "superseded": _("a newer session took over"),
    "paused": _("the client paused follow-up"),
    "lapsed": _("its time passed before it could be sent"),
}


def _emails(checkins: list[CheckIn]) -> dict[int, list[Delivery]]:
    """Each check-in's emails (the check-in's own and its reminder's), by check-in id."""
    keys = {f"{kind}:{c.pk}": c.pk for c in checkins for kind in ("checkin", "reminder")}
    found: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in Delivery.objects.filter(key__in=list(keys)):
        found[keys[delivery.key]].append(delivery)
    return found


def followup_detail(checkin: CheckIn, deliveries: list[Delivery]) -> str:
    """A few words on how a follow-up check-in went, beside its state: only what is true."""
    if checkin.state == State.CANCELLED:
        return str(CANCEL_REASONS.get(checkin.cancel_reason, ""))
    if checkin.sent_at is None:
        waiting = [d for d in deliveries if d.state == Delivery.State.QUEUED and d.error]
        if checkin.state == State.SCHEDULED and waiting:
            return str(_("not sent yet, Tend will try again (%(reason)s)")) % {
                "reason": waiting[0].error
            }
        return ""
    emails = [d for d in deliveries if d.kind == Delivery.Kind.CHECKIN]
    if not emails:
        stopped = checkin.client.emails_stopped_at
        if stopped is not None and stopped <= checkin.sent_at:
            return str(_("in the app only: the client turned emails off"))
        return str(_("in the app only: no email was sent"))
    if all(d.state == Delivery.State.FAILED for d in emails):
        return str(_("the email could not be delivered"))
    reminders = [d for d in deliveries if d.kind == Delivery.Kind.REMINDER]
    if checkin.state != State.ANSWERED and reminders:
        if all(d.state == Delivery.State.FAILED for d in reminders):
            return str(_("the reminder could not be delivered"))
        return str(_("reminded once"))
    return ""
