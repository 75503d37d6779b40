"""A small activation chart: points to draw as SVG, and the same story in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

WIDTH = 160
HEIGHT = 40
PAD = 4


@dataclass(frozen=True)
class Chart:
    points: str  # "x,y x,y ..." for <polyline>
    dots: tuple[tuple[float, float, int], ...]  # (x, y, value) for each answer
    threshold_y: float
    description: str
    width: int = WIDTH
    height: int = HEIGHT


def _y(value: int) -> float:
    return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / 10, 1)


def activation_chart(
    values: Sequence[tuple[dt.datetime, int]], since: dt.datetime | None, threshold: int
) -> Chart | None:
    """Answers (time, activation 0-10) since the last session, oldest first."""
    if not values:
        return None
    start = since or values[0][0]
    end = values[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    dots = []
    for at, value in values:
        x = PAD + (WIDTH - 2 * PAD) * max((at - start).total_seconds(), 0) / span
        if len(values) == 1:
            x = WIDTH / 2
        dots.append((round(x, 1), _y(value), value))
    numbers = ", ".join(str(v) for _, v in values)
    if since is not None:
        day = formats.date_format(timezone.localtime(since), "j M")
        description = _("Activation since the session on %(day)s, out of 10: %(values)s.") % {
            "day": day,
            "values": numbers,
        }
    else:
        description = _("Recent activation, out of 10: %(values)s.") % {"values": numbers}
    return Chart(
        points=" ".join(f"{x},{y}" for x, y, _v in dots),
        dots=tuple(dots),
        threshold_y=_y(threshold),
        description=description,
    )
