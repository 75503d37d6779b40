"""Properties of the follow-up arithmetic, over every IANA zone and any start time."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tend.lib.schedule import QuietHours, due_times, out_of_quiet_hours, wall_clock

ZONES = sorted(zoneinfo.available_timezones())
# Zones that make DST and odd offsets hard: half-hour DST, southern hemisphere, 45 minutes.
HARD_ZONES = [
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "America/Santiago",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "Europe/Dublin",
    "Africa/Casablanca",
    "America/New_York",
    "Europe/Madrid",
]
PLAN_HOURS = st.lists(st.integers(min_value=1, max_value=24 * 14), min_size=1, max_size=8)
starts = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.just(dt.UTC),
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
zones = st.one_of(st.sampled_from(ZONES), st.sampled_from(HARD_ZONES)).map(zoneinfo.ZoneInfo)


@settings(max_examples=400, deadline=None)
@given(start=starts, hours=PLAN_HOURS, zone=zones, quiet_start=times, quiet_end=times)
def test_due_times_increase_avoid_quiet_hours_and_keep_every_check_in(
    start: dt.datetime,
    hours: list[int],
    zone: zoneinfo.ZoneInfo,
    quiet_start: dt.time,
    quiet_end: dt.time,
) -> None:
    quiet = QuietHours(quiet_start, quiet_end)
    gap = dt.timedelta(hours=2)
    due = due_times(start, [dt.timedelta(hours=h) for h in hours], zone, quiet, gap)

    assert len(due) == len(hours)  # nothing lost, nothing doubled
    assert all(b - a >= gap for a, b in itertools.pairwise(due))
    for moment in due:
        assert not quiet.contains(moment.astimezone(zone).time().replace(tzinfo=None))
    # Never earlier than asked (allowing for a DST shift of at most an hour).
    for h, moment in zip(sorted(hours), due, strict=True):
        assert moment >= start + dt.timedelta(hours=h) - dt.timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)), at=times, zone=zones)
def test_every_wall_clock_time_resolves_to_one_instant_at_or_after_it(
    day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo
) -> None:
    moment = wall_clock(day, at, zone)
    local = moment.astimezone(zone)
    asked = dt.datetime.combine(day, at)
    shown = local.replace(tzinfo=None)
    # Exactly the asked time, or (inside a DST gap) the first moment after the gap.
    assert asked <= shown <= asked + dt.timedelta(hours=2)


def test_spring_forward_gap_moves_the_check_in_past_the_gap() -> None:
    madrid = zoneinfo.ZoneInfo("Europe/Madrid")
    session = wall_clock(dt.date(2026, 3, 28), dt.time(2, 30), madrid)  # the day before
    [due] = due_times(session, [dt.timedelta(days=1)], madrid, QuietHours(dt.time(0), dt.time(0)))
    local = due.astimezone(madrid)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 29), 3, 30)


def test_repeated_hour_in_autumn_gives_one_check_in_not_two() -> None:
    new_york = zoneinfo.ZoneInfo("America/New_York")
    session = wall_clock(dt.date(2026, 10, 31), dt.time(1, 30), new_york)
    due = due_times(
        session,
        [dt.timedelta(days=1), dt.timedelta(days=1)],
        new_york,
        QuietHours(dt.time(0), dt.time(0)),
        dt.timedelta(hours=2),
    )
    first = due[0].astimezone(new_york)
    assert (first.hour, first.minute, first.fold) == (1, 30, 0)
    assert due[1] - due[0] == dt.timedelta(hours=2)


def test_a_check_in_at_night_waits_for_the_morning() -> None:
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    evening = wall_clock(dt.date(2026, 11, 20), dt.time(19, 0), sydney)
    [due] = due_times(evening, [dt.timedelta(hours=3)], sydney, QuietHours(dt.time(21), dt.time(8)))
    local = due.astimezone(sydney)
    assert (local.date(), local.hour) == (dt.date(2026, 11, 21), 8)


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    quiet = QuietHours(dt.time(13), dt.time(15))
    utc = zoneinfo.ZoneInfo("UTC")
    moment = dt.datetime(2026, 5, 5, 14, 0, tzinfo=dt.UTC)
    assert out_of_quiet_hours(moment, utc, quiet) == dt.datetime(2026, 5, 5, 15, 0, tzinfo=dt.UTC)
