"""When follow-up check-ins fall due. Plain Python: no Django, easy to test exhaustively.

An offset under a day is elapsed time ("3 hours after the session"). An offset of whole days
is a calendar offset at the same wall-clock time in the client's zone ("two days later, at
the time the session started"), so that DST never moves a check-in by an hour. A time that
lands in a DST gap moves forward by the gap; a repeated hour takes its first occurrence.
A time in the client's quiet hours moves to the end of them, and no two check-ins are ever
closer than `min_gap`. Every offset yields exactly one due time, and they strictly increase.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time

    def contains(self, moment: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def wall_clock(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The instant a clock in `zone` shows `day` `at`, resolving gaps and folds."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=zone).astimezone(UTC)


def target(start: dt.datetime, offset: dt.timedelta, zone: ZoneInfo) -> dt.datetime:
    if offset < DAY or offset % DAY:
        # In UTC: adding to a zone-aware datetime would add wall-clock time across DST.
        return start.astimezone(UTC) + offset
    local = start.astimezone(zone)
    return wall_clock(local.date() + offset, local.time(), zone)


def out_of_quiet_hours(moment: dt.datetime, zone: ZoneInfo, quiet: QuietHours) -> dt.datetime:
    local = moment.astimezone(zone)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return moment
    day = local.date()
    if local.time().replace(tzinfo=None) >= quiet.end:
        day += DAY
    end = wall_clock(day, quiet.end, zone)
    # A quiet-hours end inside a DST gap resolves past the gap, never back into quiet.
    return max(end, moment)


def due_times(
    start: dt.datetime,
    offsets: Sequence[dt.timedelta],
    zone: ZoneInfo,
    quiet: QuietHours,
    min_gap: dt.timedelta = dt.timedelta(hours=2),
) -> list[dt.datetime]:
    """One due time per offset, in order, strictly increasing, none in quiet hours."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if min_gap <= dt.timedelta(0):
        raise ValueError("min_gap must be positive")
    times: list[dt.datetime] = []
    for offset in sorted(offsets):
        moment = out_of_quiet_hours(target(start, offset, zone), zone, quiet)
        while times and moment < times[-1] + min_gap:
            moment = out_of_quiet_hours(times[-1] + min_gap, zone, quiet)
        times.append(moment)
    return times
