"""The "needs you now" queue: clients with open alerts, most pressing first.

A constant number of queries whatever the number of clients: one for the alerts (with their
clients), one for the charts of the clients shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tend.alerts import chart, reasons
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.practices.models import Practitioner

# Within one level, the kinds of signal from most to least pressing.
WEIGHT = {Kind.SAFETY: 5, Kind.CONTACT: 4, Kind.ACTIVATION: 3, Kind.BASICS: 2, Kind.SILENCE: 1}
CHART_DAYS = 30
SHOWN = 50


@dataclass
class Entry:
    client: Client
    alerts: list[Alert] = field(default_factory=list)
    chart: chart.Chart | None = None

    @property
    def urgent(self) -> bool:
        return any(a.level == Level.URGENT for a in self.alerts)

    @property
    def waiting_since(self) -> dt.datetime:
        return min(a.opened_at for a in self.alerts)

    @property
    def reasons(self) -> list[tuple[Alert, str]]:
        return [(a, reasons.reason(a)) for a in self.alerts]

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
    alerts = (
        visible(practitioner, everyone=everyone)
        .select_related("client__practitioner", "responsible")
        .defer("resolution", "client__practitioner__password")
        .order_by("opened_at")
    )
    by_client: dict[int, Entry] = {}
    for alert in alerts:
        entry = by_client.setdefault(alert.client_id, Entry(alert.client))
        entry.alerts.append(alert)
    entries = sorted(by_client.values(), key=Entry.rank)
    for entry in entries:
        entry.alerts.sort(key=lambda a: (a.level != Level.URGENT, -WEIGHT.get(Kind(a.kind), 0)))
    top = entries[:shown]
    _add_charts(top, practitioner.practice.activation_threshold)
    return top, len(entries)


def _add_charts(entries: list[Entry], threshold: int) -> None:
    if not entries:
        return
    now = timezone.now()
    last_session = (
        Session.objects.filter(client=OuterRef("client"), starts_at__lte=now)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    floor = now - dt.timedelta(days=CHART_DAYS)
    rows = (
        CheckIn.objects.filter(
            client_id__in=[e.client.pk for e in entries],
            state=State.ANSWERED,
            activation__isnull=False,
            answered_at__gte=floor,
        )
        .annotate(since=Coalesce(Subquery(last_session), Value(floor)))
        .filter(answered_at__gte=F("since"))
        .order_by("answered_at")
        .values_list("client_id", "answered_at", "activation", "since")
    )
    points: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    since: dict[int, dt.datetime] = {}
    for client_id, answered_at, activation, session_start in rows:
        if answered_at is None or activation is None:
            continue
        points[client_id].append((answered_at, activation))
        since[client_id] = session_start
    for entry in entries:
        start = since.get(entry.client.pk)
        entry.chart = chart.activation_chart(
            points[entry.client.pk], None if start == floor else start, threshold
        )
