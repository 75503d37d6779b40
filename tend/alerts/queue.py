"""The "needs you now" queue: clients with open alerts, most pressing first.

Two queries whatever the number of clients or check-ins: one for the open alerts this person
sees, with their clients' names, the practice's threshold and each client's last session;
one for the answers since then of the clients shown. The page shows the most pressing few;
the rest wait their turn.

The queue is the page opened most often, so both are plain SQL read as plain values: the
ORM took longer to build these queries than the database took to answer them. `visible()`
is the same rule as a queryset, for everything else (acknowledging); the tests hold both.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tend.alerts import chart, reasons
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.practices.models import Practice, Practitioner

# Within one level, the kinds of signal from most to least pressing.
WEIGHT: dict[str, int] = {
    Kind.SAFETY: 5,
    Kind.CONTACT: 4,
    Kind.ACTIVATION: 3,
    Kind.BASICS: 2,
    Kind.SILENCE: 1,
    Kind.UNREACHABLE: 1,
}
CHART_DAYS = 30
SHOWN = 12


@dataclass(frozen=True)
class Signal:
    """One open alert, as the queue shows it."""

    pk: int
    kind: str
    level: str
    detail: str | dict[str, Any] | None  # as the cursor gives it; read only if shown
    opened_at: dt.datetime

    @property
    def reason(self) -> str:
        return reasons.reason_for(self.kind, self.level, _json(self.detail))

    @property
    def order(self) -> tuple[bool, int]:
        return (self.level != Level.URGENT, -WEIGHT.get(self.kind, 0))


@dataclass
class Entry:
    client_id: int
    name: str
    practitioner_id: int
    practitioner_name: str
    last_session: dt.datetime | None = None
    alerts: list[Signal] = field(default_factory=list)
    chart: SafeString | None = None
    # Answers since the chart's start (the last session, or a month back if that is longer
    # ago), with or without a number to chart.
    answers: int = 0
    chart_from_session: bool = True

    @property
    def urgent(self) -> bool:
        return any(a.level == Level.URGENT for a in self.alerts)

    @property
    def waiting_since(self) -> dt.datetime:
        return min(a.opened_at for a in self.alerts)

    def rank(self) -> tuple[int, int, int, dt.datetime]:
        heaviest = max(WEIGHT.get(a.kind, 0) for a in self.alerts)
        return (0 if self.urgent else 1, -heaviest, -len(self.alerts), self.waiting_since)


def visible(practitioner: Practitioner, *, everyone: bool = False) -> QuerySet[Alert]:
    """Open alerts this person should see: their clients', the ones they hold or were told
    of; an admin may ask for the whole practice's. (_ALERTS below says the same in SQL.)"""
    alerts = Alert.objects.filter(practice_id=practitioner.practice_id, state=AlertState.OPEN)
    if everyone and practitioner.role == Practitioner.Role.ADMIN:
        return alerts
    told = AlertEvent.objects.filter(alert=OuterRef("pk"), practitioner=practitioner)
    return alerts.filter(
        Q(client__practitioner=practitioner) | Q(responsible=practitioner) | Exists(told)
    )


def _tables() -> dict[str, str]:
    models = {"alert": Alert, "event": AlertEvent, "session": Session, "checkin": CheckIn}
    models |= {"client": Client, "practitioner": Practitioner, "practice": Practice}
    return {name: connection.ops.quote_name(m._meta.db_table) for name, m in models.items()}


_T = _tables()
_ALERTS = f"""
SELECT a.id, a.kind, a.level, a.detail, a.opened_at, a.client_id, c.name, c.practitioner_id,
       owner.name,
       (SELECT MAX(s.starts_at) FROM {_T["session"]} s
        WHERE s.client_id = a.client_id AND s.starts_at <= %(now)s),
       practice.activation_threshold
FROM {_T["alert"]} a
JOIN {_T["client"]} c ON c.id = a.client_id
JOIN {_T["practitioner"]} owner ON owner.id = c.practitioner_id
JOIN {_T["practice"]} practice ON practice.id = a.practice_id
WHERE a.practice_id = %(practice)s AND a.state = %(open)s
"""  # noqa: S608 (names from the models, every value a parameter)
_YOURS = f"""
AND (c.practitioner_id = %(me)s OR a.responsible_id = %(me)s OR EXISTS (
    SELECT 1 FROM {_T["event"]} e WHERE e.alert_id = a.id AND e.practitioner_id = %(me)s
))
"""  # noqa: S608
_ANSWERS = f"""
SELECT client_id, answered_at, activation FROM {_T["checkin"]}
WHERE ({{since}}) AND state = %s
ORDER BY answered_at
"""  # noqa: S608
_SINCE = "(client_id = %s AND answered_at >= %s)"


def needs_you_now(
    practitioner: Practitioner, *, everyone: bool = False, shown: int = SHOWN
) -> tuple[list[Entry], int]:
    """The entries to show, ranked, and how many clients are waiting in all."""
    now = timezone.now()
    sql = _ALERTS
    if not (everyone and practitioner.role == Practitioner.Role.ADMIN):
        sql += _YOURS
    params = {
        "now": connection.ops.adapt_datetimefield_value(now),
        "practice": practitioner.practice_id,
        "open": AlertState.OPEN.value,
        "me": practitioner.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_client: dict[int, Entry] = {}
    for pk, kind, level, detail, opened_at, client_id, name, owner_id, owner, last, _ in rows:
        entry = by_client.get(client_id)
        if entry is None:
            last_session = None if last is None else _aware(last)
            entry = by_client[client_id] = Entry(client_id, name, owner_id, owner, last_session)
        entry.alerts.append(Signal(pk, kind, level, detail, _aware(opened_at)))
    entries = sorted(by_client.values(), key=Entry.rank)
    top = entries[:shown]
    for entry in top:
        entry.alerts.sort(key=lambda a: a.order)
    if top:
        threshold = rows[0][-1]  # the practice's, the same on every row
        _add_charts(top, threshold, now)
    return top, len(entries)


def _add_charts(entries: list[Entry], threshold: int, now: dt.datetime) -> None:
    """Each client's answers since their last session (within the last month)."""
    floor = now - dt.timedelta(days=CHART_DAYS)
    since = {e.client_id: max(e.last_session or floor, floor) for e in entries}
    adapt = connection.ops.adapt_datetimefield_value
    params = [v for client_id, start in since.items() for v in (client_id, adapt(start))]
    sql = _ANSWERS.format(since=" OR ".join([_SINCE] * len(since)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, State.ANSWERED.value])
        rows = cursor.fetchall()
    points: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    answers: dict[int, int] = defaultdict(int)
    for client_id, answered_at, activation in rows:
        answers[client_id] += 1
        if activation is not None:
            points[client_id].append((_aware(answered_at), activation))
    for entry in entries:
        entry.answers = answers[entry.client_id]
        entry.chart_from_session = since[entry.client_id] != floor
        values = points[entry.client_id]
        if values:
            start = since[entry.client_id]
            caption_since = None if start == floor else start
            uid = f"chart-{entry.client_id}"
            entry.chart = chart.activation_svg(values, caption_since, threshold, uid)


def _aware(value: dt.datetime | str) -> dt.datetime:
    """A datetime as a cursor gives it: aware on PostgreSQL; on SQLite naive UTC, or text
    where SQLite cannot tell the column's type (a MAX())."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _json(value: str | dict[str, Any] | None) -> dict[str, Any]:
    """A JSONField as a cursor gives it: text (Django reads jsonb as text too)."""
    if isinstance(value, str):
        parsed: dict[str, Any] | None = json.loads(value)
        return parsed or {}
    return value or {}
