"""The days since a client's last session, on one screen of their page: check-ins, practices
done, entries and ripples they shared, and an activation chart with the sessions marked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from tend.alerts import chart
from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.integration.models import ExerciseDone
from tend.journal.models import Entry

WINDOW = dt.timedelta(days=14)  # the chart looks back at least this far


@dataclass
class Overview:
    session: Session | None
    since: dt.datetime
    days: int
    checkins: list[CheckIn] = field(default_factory=list)
    practices: list[ExerciseDone] = field(default_factory=list)
    shared: list[Entry] = field(default_factory=list)
    chart: SafeString | None = None

    @property
    def is_quiet(self) -> bool:
        return not (self.checkins or self.practices or self.shared)

    @property
    def events(self) -> list[tuple[dt.datetime, str, object]]:
        """Everything in these days as (when, kind, row), newest first."""
        rows: list[tuple[dt.datetime, str, object]] = [
            *((c.answered_at, "checkin", c) for c in self.checkins if c.answered_at),
            *((d.at, "practice", d) for d in self.practices),
            *((e.created_at, "entry", e) for e in self.shared),
        ]
        return sorted(rows, key=lambda row: row[0], reverse=True)


def since_last_session(client: Client, language: str, threshold: int) -> Overview:
    now = timezone.now()
    past = Session.objects.filter(client=client, starts_at__lte=now)
    session = past.order_by("-starts_at").first()
    since = session.starts_at if session else now - WINDOW
    days = (timezone.localdate(now) - timezone.localdate(since)).days
    answered = CheckIn.objects.filter(client=client, state=State.ANSWERED)
    practices = list(
        ExerciseDone.objects.filter(client=client, at__gte=since)
        .select_related("exercise")
        .order_by("-at")
    )
    for done in practices:
        done.title = done.exercise.title(language)  # type: ignore[attr-defined]
    overview = Overview(
        session=session,
        since=since,
        days=days,
        checkins=list(answered.filter(answered_at__gte=since).order_by("-answered_at")),
        practices=practices,
        shared=list(
            Entry.objects.shared()
            .filter(client=client, created_at__gte=since)
            .order_by("-created_at")
        ),
    )
    start = min(since, now - WINDOW)
    values = [
        (at, activation)
        for at, activation in answered.filter(answered_at__gte=start)
        .exclude(activation=None)
        .order_by("answered_at")
        .values_list("answered_at", "activation")
        if at is not None and activation is not None
    ]
    if values:
        sessions = list(
            past.filter(starts_at__gte=start)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        uid = f"overview-chart-{client.pk}"
        overview.chart = chart.activation_svg(values, start, threshold, uid, sessions, end=now)
    return overview
