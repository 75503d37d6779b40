"""A small activation chart: SVG drawn on the server, and the same story in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 160
HEIGHT = 40
PAD = 4


def _y(value: int) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / 10


def describe(values: Sequence[tuple[dt.datetime, int]], since: dt.datetime | None) -> str:
    numbers = ", ".join(str(v) for _, v in values)
    if since is None:
        return _("Recent activation, out of 10: %(values)s.") % {"values": numbers}
    day = formats.date_format(timezone.localtime(since), "j M")
    return _("Activation since the session on %(day)s, out of 10: %(values)s.") % {
        "day": day,
        "values": numbers,
    }


def activation_svg(
    values: Sequence[tuple[dt.datetime, int]], since: dt.datetime | None, threshold: int, uid: str
) -> SafeString:
    """Answers (time, activation 0-10), oldest first, as an accessible SVG sparkline.

    Coordinates are written here, not by the template, so no locale turns "12.5" into
    "12,5" and the page stays cheap to render whatever the number of points.
    """
    start = since or values[0][0]
    span = max((values[-1][0] - start).total_seconds(), 1.0)
    dots = []
    for at, value in values:
        x = (
            WIDTH / 2
            if len(values) == 1
            else PAD + (WIDTH - 2 * PAD) * max((at - start).total_seconds(), 0) / span
        )
        dots.append((x, _y(value), " chart-dot-high" if value >= threshold else ""))
    # Every value below is a number or a fixed word made here; only the title is text.
    line = ""
    if len(dots) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _high in dots)
        line = f'<polyline points="{points}" class="chart-line"/>'
    circles = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="chart-dot{high}"/>' for x, y, high in dots
    )
    ty = f"{_y(threshold):.1f}"
    title = escape(describe(values, since))
    return SafeString(
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(uid)}"><title id="{escape(uid)}">{title}</title>'
        f'<line x1="0" x2="{WIDTH}" y1="{ty}" y2="{ty}" class="chart-threshold"/>'
        f"{line}{circles}</svg>"
    )
