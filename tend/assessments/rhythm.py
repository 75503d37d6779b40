"""When a questionnaire on a calendar rhythm falls due. Plain Python, no Django.

A rhythm is "every N days" or "every N weeks" (optionally on chosen weekdays), at one
wall-clock time in the client's zone, from a first day, until a last day or until stopped.
Each time is that wall-clock time on its day (so a clock change never moves it by an hour;
a time inside a DST gap moves forward by the gap) and then, if it falls in the client's
quiet hours, the end of them (tend/lib/schedule.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tend.lib.schedule import QuietHours, out_of_quiet_hours, wall_clock

UNITS = ("days", "weeks")
MAX_EVERY = 52


@dataclass(frozen=True)
class Rhythm:
    every: int  # 1..MAX_EVERY
    unit: str  # "days" or "weeks"
    at: dt.time  # wall-clock time in the client's zone
    first: dt.date
    last: dt.date | None = None
    weekdays: tuple[int, ...] = ()  # 0 = Monday; only with weeks; none: the first day's

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}")
        if not 1 <= self.every <= MAX_EVERY:
            raise ValueError(f"every must be from 1 to {MAX_EVERY}")
        if any(not 0 <= day <= 6 for day in self.weekdays):
            raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")
        if self.weekdays and self.unit != "weeks":
            raise ValueError("weekdays go with a rhythm in weeks")
        if self.last is not None and self.last < self.first:
            raise ValueError("the last day is before the first")


def days(rhythm: Rhythm) -> Iterator[dt.date]:
    """Every day the rhythm falls on, in order, from its first day to its last (or on)."""
    if rhythm.unit == "days":
        step, day = dt.timedelta(days=rhythm.every), rhythm.first
        while rhythm.last is None or day <= rhythm.last:
            yield day
            day += step
        return
    weekdays = sorted(set(rhythm.weekdays)) or [rhythm.first.weekday()]
    monday = rhythm.first - dt.timedelta(days=rhythm.first.weekday())
    while True:
        for weekday in weekdays:
            day = monday + dt.timedelta(days=weekday)
            if day < rhythm.first:
                continue
            if rhythm.last is not None and day > rhythm.last:
                return
            yield day
        monday += dt.timedelta(weeks=rhythm.every)


def due_times(
    rhythm: Rhythm, zone: ZoneInfo, quiet: QuietHours, after: dt.datetime, count: int = 1
) -> list[dt.datetime]:
    """The next `count` due times strictly after `after` (fewer if the rhythm ends)."""
    found: list[dt.datetime] = []
    for day in days(rhythm):
        moment = out_of_quiet_hours(wall_clock(day, rhythm.at, zone), zone, quiet)
        if moment > after:
            found.append(moment)
            if len(found) == count:
                break
    return found


def next_due(
    rhythm: Rhythm, zone: ZoneInfo, quiet: QuietHours, after: dt.datetime
) -> dt.datetime | None:
    found = due_times(rhythm, zone, quiet, after)
    return found[0] if found else None


def weekdays_of(values: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values}))
