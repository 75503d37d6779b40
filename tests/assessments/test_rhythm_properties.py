"""A questionnaire's calendar rhythm, over every IANA zone and any time: the same wall-clock
time across clock changes, never in quiet hours, on the days asked, nothing lost."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tend.assessments.rhythm import Rhythm, days, due_times, next_due
from tend.lib.schedule import QuietHours
from tests.test_schedule_properties import HARD_ZONES, ZONES

zones = st.one_of(st.sampled_from(ZONES), st.sampled_from(HARD_ZONES)).map(zoneinfo.ZoneInfo)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
firsts = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    zone=zones,
    at=times,
    first=firsts,
    every=st.integers(min_value=1, max_value=6),
    unit=st.sampled_from(["days", "weeks"]),
    weekdays=st.lists(st.integers(min_value=0, max_value=6), max_size=3),
    quiet_start=times,
    quiet_end=times,
)
def test_a_rhythm_keeps_its_wall_clock_time_its_days_and_out_of_quiet_hours(
    zone: zoneinfo.ZoneInfo,
    at: dt.time,
    first: dt.date,
    every: int,
    unit: str,
    weekdays: list[int],
    quiet_start: dt.time,
    quiet_end: dt.time,
) -> None:
    rhythm = Rhythm(every, unit, at, first, weekdays=tuple(weekdays) if unit == "weeks" else ())
    quiet = QuietHours(quiet_start, quiet_end)
    start = dt.datetime.combine(first, dt.time(0), dt.UTC) - dt.timedelta(days=2)

    due = due_times(rhythm, zone, quiet, start, count=20)

    assert len(due) == 20  # an open rhythm never runs dry
    assert all(a < b for a, b in itertools.pairwise(due))
    wanted = list(itertools.islice(days(rhythm), 20))
    for day, moment in zip(wanted, due, strict=True):
        local = moment.astimezone(zone)
        assert not quiet.contains(local.time().replace(tzinfo=None))
        if not quiet.contains(at):
            # Its own day, at its own time, unless a DST gap swallowed that minute.
            assert local.date() == day
            gap = (local.replace(tzinfo=None) - dt.datetime.combine(day, at)).total_seconds()
            assert 0 <= gap <= 3600
    for day in wanted:
        assert day >= first
        if unit == "weeks" and weekdays:
            assert day.weekday() in weekdays


def test_across_a_clock_change_the_time_on_the_clock_stays() -> None:
    madrid = zoneinfo.ZoneInfo("Europe/Madrid")
    rhythm = Rhythm(1, "weeks", dt.time(10, 0), dt.date(2026, 3, 20))  # a Friday
    quiet = QuietHours(dt.time(21, 0), dt.time(8, 0))
    due = due_times(rhythm, madrid, quiet, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), count=3)
    assert [d.astimezone(madrid).strftime("%a %d %H:%M") for d in due] == [
        "Fri 20 10:00",
        "Fri 27 10:00",  # Spain moved its clocks on Sunday 29 March
        "Fri 03 10:00",
    ]
    assert [d.hour for d in due] == [9, 9, 8]  # in UTC: the hour moved, the clock did not


def test_a_time_in_quiet_hours_waits_for_their_end_and_a_rhythm_ends_on_its_last_day() -> None:
    zone = zoneinfo.ZoneInfo("America/Mexico_City")
    rhythm = Rhythm(2, "days", dt.time(22, 30), dt.date(2026, 5, 1), last=dt.date(2026, 5, 5))
    quiet = QuietHours(dt.time(21, 0), dt.time(8, 0))
    due = due_times(rhythm, zone, quiet, dt.datetime(2026, 4, 1, tzinfo=dt.UTC), count=10)
    assert [d.astimezone(zone).strftime("%d %H:%M") for d in due] == [
        "02 08:00",
        "04 08:00",
        "06 08:00",
    ]
    assert next_due(rhythm, zone, quiet, due[-1]) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": 0}, "every must be from 1 to 52"),
        ({"unit": "months"}, "unit must be one of days, weeks"),
        ({"unit": "days", "weekdays": (1,)}, "weekdays go with a rhythm in weeks"),
        ({"weekdays": (7,)}, "weekdays run from 0"),
        ({"last": dt.date(2026, 1, 1)}, "the last day is before the first"),
    ],
)
def test_a_rhythm_that_cannot_be_is_refused(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "every": 1,
        "unit": "weeks",
        "at": dt.time(9),
        "first": dt.date(2026, 2, 1),
    }
    with pytest.raises(ValueError, match=message):
        Rhythm(**{**base, **kwargs})  # type: ignore[arg-type]
