"""The "needs you now" queue: clients with open alerts, most pressing first.

A constant number of queries whatever the number of clients or check-ins: one for the
alerts (with their clients' names), one for the last session of each client shown, one for
their answers since. The page shows the most pressing few; the rest wait their turn. Rows
are read as plain values, not models: the queue is the page opened most often.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tend.alerts import chart, reasons
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.practices.models import Practitioner

# Within one level, the kinds of signal from most to least pressing.
WEIGHT = {Kind.SAFETY: 5, Kind.CONTACT: 4, Kind.ACTIVATION: 3, Kind.BASICS: 2, Kind.SILENCE: 1}
CHART_DAYS = 30
SHOWN = 12


@dataclass(frozen=True)
class Signal:
    """One open alert, as the queue shows it."""

    pk: int
    kind: str
    level: str
    detail: dict[str, Any]
    opened_at: dt.datetime

    @property
    def reason(self) -> str:
        return reasons.reason_for(self.kind, self.level, self.detail)

    @property
    def order(self) -> tuple[bool, int]:
        return (self.level != Level.URGENT, -WEIGHT.get(Kind(self.kind), 0))


@dataclass
class Entry:
    client_id: int
    name: str
    practitioner_id: int
    practitioner_name: str
    alerts: list[Signal] = field(default_factory=list)
    chart: SafeString | None = None

    @property
    def urgent(self) -> bool:
        return any(a.level == Level.URGENT for a in self.alerts)

    @property
    def waiting_since(self) -> dt.datetime:
        return min(a.opened_at for a in self.alerts)

    def rank(self) -> tuple[int, int, int, dt.datetime]:
        heaviest = max(WEIGHT.get(Kind(a.kind), 0) for a in self.alerts)
        return (0 if self.urgent else 1, -heaviest, -len(self.alerts), self.waiting_since)


def visible(practitioner: Practitioner, *, everyone: bool = False) -> QuerySet[Alert]:
    """Open alerts this person should see: their clients', the ones they hold or were told
    of; an admin may ask for the whole practice's."""
    alerts = Alert.objects.filter(practice_id=practitioner.practice_id, state=AlertState.OPEN)
    if everyone and practitioner.role == Practitioner.Role.ADMIN:
        return alerts
    told = AlertEvent.objects.filter(alert=OuterRef("pk"), practitioner=practitioner)
    return alerts.filter(
        Q(client__practitioner=practitioner) | Q(responsible=practitioner) | Exists(told)
    )


def needs_you_now(
    practitioner: Practitioner, *, everyone: bool = False, shown: int = SHOWN
) -> tuple[list[Entry], int]:
    """The entries to show, ranked, and how many clients are waiting in all."""
    rows = visible(practitioner, everyone=everyone).values_list(
        "pk", "kind", "level", "detail", "opened_at",
        "client_id", "client__name", "client__practitioner_id", "client__practitioner__name",
    )  # fmt: skip
    by_client: dict[int, Entry] = {}
    for pk, kind, level, detail, opened_at, client_id, name, owner_id, owner in rows:
        entry = by_client.get(client_id)
        if entry is None:
            entry = by_client[client_id] = Entry(client_id, name, owner_id, owner)
        entry.alerts.append(Signal(pk, kind, level, detail or {}, opened_at))
    entries = sorted(by_client.values(), key=Entry.rank)
    top = entries[:shown]
    for entry in top:
        entry.alerts.sort(key=lambda a: a.order)
    _add_charts(top, practitioner.practice.activation_threshold)
    return top, len(entries)


def _add_charts(entries: list[Entry], threshold: int) -> None:
    """Each client's answers since their last session (within the last month)."""
    if not entries:
        return
    now = timezone.now()
    floor = now - dt.timedelta(days=CHART_DAYS)
    ids = [e.client_id for e in entries]
    last_session = dict(
        Session.objects.filter(client_id__in=ids, starts_at__lte=now)
        .values("client_id")
        .annotate(last=Max("starts_at"))
        .values_list("client_id", "last")
    )
    since = {i: max(last_session.get(i) or floor, floor) for i in ids}
    rows = (
        CheckIn.objects.filter(
            client_id__in=ids, answered_at__gte=min(since.values()), state=State.ANSWERED
        )
        .exclude(activation=None)
        .order_by("answered_at")
        .values_list("client_id", "answered_at", "activation")
    )
    points: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for client_id, answered_at, activation in rows:
        if answered_at is not None and activation is not None and answered_at >= since[client_id]:
            points[client_id].append((answered_at, activation))
    for entry in entries:
        values = points[entry.client_id]
        if values:
            start = since[entry.client_id]
            caption_since = None if start == floor else start
            uid = f"chart-{entry.client_id}"
            entry.chart = chart.activation_svg(values, caption_since, threshold, uid)
