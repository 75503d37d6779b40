"""A small activation chart: SVG drawn on the server, and the same story in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache, lru_cache

from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WIDTH = 160
HEIGHT = 40
PAD = 4


def _y(value: int) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / 10


@cache
def _y_text(value: int) -> str:
    return f"{_y(value):.1f}"


@lru_cache(maxsize=512)
def _day(day: dt.date, language: str | None) -> str:
    """The day as "5 Nov" in `language`: the active one, which formats read and the cache
    keys on. Formatting a date took longer than drawing all the rest of a chart."""
    return formats.date_format(day, pgettext("date format", "j M"))


def describe(values: Sequence[tuple[dt.datetime, int]], since: dt.datetime | None) -> str:
    numbers = ", ".join(str(v) for _, v in values)
    if since is None:
        return _("Recent activation, out of 10: %(values)s.") % {"values": numbers}
    day = _day(timezone.localdate(since), translation.get_language())
    return _("Activation since the session on %(day)s, out of 10: %(values)s.") % {
        "day": day,
        "values": numbers,
    }


def sessions_said(sessions: Sequence[dt.datetime]) -> str:
    if not sessions:
        return ""
    language = translation.get_language()
    days = ", ".join(_day(timezone.localdate(at), language) for at in sessions)
    return " " + _("Sessions on %(days)s.") % {"days": days}


def activation_svg(
    values: Sequence[tuple[dt.datetime, int]],
    since: dt.datetime | None,
    threshold: int,
    uid: str,
    sessions: Sequence[dt.datetime] = (),
    end: dt.datetime | None = None,
) -> SafeString:
    """Answers (time, activation 0-10), oldest first, as an accessible SVG sparkline; with
    `sessions`, each session is a vertical mark, and the chart runs from `since` to `end`.

    Coordinates are written here, not by the template, so no locale turns "12.5" into
    "12,5" and the page stays cheap to render whatever the number of points.
    """
    start = since or values[0][0]
    finish = end or values[-1][0]
    per_second = (WIDTH - 2 * PAD) / max((finish - start).total_seconds(), 1.0)
    marks = "".join(
        f'<line x1="{x}" x2="{x}" y1="0" y2="{HEIGHT}" class="chart-session"/>'
        for at in sessions
        if start <= at <= finish
        for x in [f"{PAD + per_second * (at - start).total_seconds():.1f}"]
    )
    # Every value below is a number or a fixed word made here; only the title is text.
    points, circles = [], []
    for at, value in values:
        if len(values) == 1 and not sessions:
            x = f"{WIDTH / 2:.1f}"
        else:
            x = f"{PAD + per_second * max((at - start).total_seconds(), 0):.1f}"
        y = _y_text(value)
        high = " chart-dot-high" if value >= threshold else ""
        points.append(f"{x},{y}")
        circles.append(f'<circle cx="{x}" cy="{y}" r="3" class="chart-dot{high}"/>')
    line = f'<polyline points="{" ".join(points)}" class="chart-line"/>' if len(points) > 1 else ""
    ty = _y_text(threshold)
    uid = escape(uid)
    title = escape(describe(values, since) + sessions_said(sessions))
    return SafeString(
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{uid}"><title id="{uid}">{title}</title>'
        f'<line x1="0" x2="{WIDTH}" y1="{ty}" y2="{ty}" class="chart-threshold"/>'
        f"{marks}{line}{''.join(circles)}</svg>"
    )


TREND_WIDTH, TREND_HEIGHT = 240, 60


def trend_svg(
    points: Sequence[tuple[dt.datetime, float]],
    low: float,
    high: float,
    boundaries: Sequence[float],
    sessions: Sequence[dt.datetime],
    uid: str,
    title: str,
) -> SafeString:
    """A questionnaire's scores over time (oldest first), between `low` and `high`, with a
    dashed line at each band boundary and a dotted one at each session."""
    start = min([points[0][0], *sessions])
    finish = max([points[-1][0], *sessions])
    span = max((finish - start).total_seconds(), 1.0)

    def x(at: dt.datetime) -> str:
        if len(points) == 1 and not sessions:
            return f"{TREND_WIDTH / 2:.1f}"
        return f"{PAD + (TREND_WIDTH - 2 * PAD) * (at - start).total_seconds() / span:.1f}"

    def y(value: float) -> str:
        share = (value - low) / (high - low) if high > low else 0
        return f"{TREND_HEIGHT - PAD - (TREND_HEIGHT - 2 * PAD) * share:.1f}"

    lines = "".join(
        f'<line x1="0" x2="{TREND_WIDTH}" y1="{y(b)}" y2="{y(b)}" class="chart-threshold"/>'
        for b in boundaries
    )
    marks = "".join(
        f'<line x1="{x(at)}" x2="{x(at)}" y1="0" y2="{TREND_HEIGHT}" class="chart-session"/>'
        for at in sessions
    )
    coords = [f"{x(at)},{y(v)}" for at, v in points]
    line = f'<polyline points="{" ".join(coords)}" class="chart-line"/>' if len(coords) > 1 else ""
    dots = "".join(
        f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="3" class="chart-dot"/>'
        for c in coords
    )
    uid = escape(uid)
    return SafeString(
        f'<svg width="{TREND_WIDTH}" height="{TREND_HEIGHT}" viewBox="0 0 {TREND_WIDTH} '
        f'{TREND_HEIGHT}" role="img" aria-labelledby="{uid}"><title id="{uid}">'
        f"{escape(title)}</title>{lines}{marks}{line}{dots}</svg>"
    )
