"""Before a session, one page about the client: the days since the last session, what they
asked for, alerts and how they ended, questionnaires with their trend and reliable change,
where they are on the ladder, and what they chose to share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tend.alerts import chart, overview, reasons
from tend.alerts.models import Alert
from tend.assessments import catalogue, results
from tend.assessments.models import Administration
from tend.assessments.scoring import builtins
from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.lib.languages import pick

LADDER = catalogue.LADDER
TREND_DAYS = 365


@dataclass
class Trend:
    slug: str
    title: str
    latest: results.Result
    chart: SafeString


@dataclass
class Brief:
    client: Client
    next_session: Session | None
    since: overview.Overview
    asked_for: list[CheckIn] = field(default_factory=list)
    alerts: list[tuple[Alert, str]] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    rung: str = ""
    rung_before: str = ""


def trends(client: Client, language: str) -> list[Trend]:
    """For each questionnaire the client has answered, its scores over the last year as a
    chart with the band boundaries and the sessions, and its latest result."""
    now = timezone.now()
    since = now - dt.timedelta(days=TREND_DAYS)
    latest = {r.administration.slug: r for r in reversed(results.for_client(client, language))}
    found = []
    for slug, result in sorted(latest.items()):
        definition = catalogue.definition(client.practice_id, slug)
        if definition is None:
            continue
        scaled = definition.band_on == "scaled"
        rows = Administration.objects.filter(
            client=client, slug=slug, answered_at__gte=since
        ).order_by("answered_at")
        points = [
            (row.answered_at, float(row.scaled if scaled else row.total))
            for row in rows
            if row.answered_at is not None and row.total is not None and row.scaled is not None
        ]
        if not points:
            continue
        factor = definition.scale if scaled else 1
        sessions = list(
            Session.objects.filter(client=client, starts_at__gte=points[0][0], starts_at__lte=now)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        title = pick(definition.title, language) or slug
        said = _("%(title)s: %(values)s.") % {
            "title": title,
            "values": ", ".join(f"{v:g}" for _at, v in points),
        }
        svg = chart.trend_svg(
            points,
            definition.lowest * factor,
            definition.highest * factor,
            [b.low for b in definition.bands[1:]],
            sessions,
            f"trend-{slug}",
            said + chart.sessions_said(sessions),
        )
        found.append(Trend(slug, str(title), result, svg))
    # The measures first, the ladder last.
    return sorted(found, key=lambda t: (t.slug == LADDER, t.slug))


def for_client(client: Client, language: str) -> Brief:
    now = timezone.now()
    since = overview.since_last_session(client, language, client.practice.activation_threshold)
    brief = Brief(
        client=client,
        next_session=Session.objects.filter(client=client, starts_at__gt=now)
        .order_by("starts_at")
        .first(),
        since=since,
        asked_for=[c for c in since.checkins if c.need.strip() or c.wants_contact],
        alerts=[
            (alert, reasons.reason(alert))
            for alert in Alert.objects.filter(client=client, opened_at__gte=since.since)
            .select_related("acknowledged_by", "resolved_by")
            .order_by("-opened_at")
        ],
        trends=trends(client, language),
    )
    ladder = list(
        Administration.objects.filter(client=client, slug=LADDER)
        .exclude(answered_at=None)
        .order_by("-answered_at")[:2]
    )
    rungs = {b.key: pick(b.text, language) for b in builtins()[LADDER].bands}
    if ladder:
        brief.rung = str(rungs.get(ladder[0].band, ladder[0].band))
    if len(ladder) > 1:
        brief.rung_before = str(rungs.get(ladder[1].band, ladder[1].band))
    return brief
