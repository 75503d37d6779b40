"""The signals an answer raises, from plain values (no database)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tend.alerts.models import Kind, Level
from tend.alerts.signals import Answer, Thresholds, for_answer, usual_activation

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
LIMITS = Thresholds()


def hours_ago(h: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=h)


def kinds(answer: Answer, earlier: list[Answer] | None = None) -> dict[str, str]:
    return {s.kind: s.level for s in for_answer(answer, earlier or [], LIMITS, MADRID)}


def test_a_calm_answer_raises_nothing() -> None:
    assert kinds(Answer(NOW, activation=3, wants_contact=False, slept="yes", ate="yes")) == {}


def test_asking_for_contact_is_a_signal_and_urgent_at_the_top_of_the_scale() -> None:
    assert kinds(Answer(NOW, activation=5, wants_contact=True)) == {Kind.CONTACT: Level.NORMAL}
    assert kinds(Answer(NOW, activation=10, wants_contact=True))[Kind.CONTACT] == Level.URGENT


def test_activation_at_the_threshold_is_a_signal_and_one_below_is_not() -> None:
    assert Kind.ACTIVATION in kinds(Answer(NOW, activation=8))
    assert Kind.ACTIVATION not in kinds(Answer(NOW, activation=7))


def test_a_jump_far_above_the_clients_usual_is_a_signal_below_the_threshold() -> None:
    usual = [Answer(hours_ago(24 * d), activation=2) for d in (1, 2, 3, 4)]
    [signal] = for_answer(Answer(NOW, activation=6), usual, LIMITS, MADRID)
    assert signal.kind == Kind.ACTIVATION
    assert signal.detail == {"activation": 6, "usual": 2}
    # Someone who usually sits at 5 isn't flagged for a 6.
    steady = [Answer(hours_ago(24 * d), activation=5) for d in (1, 2, 3)]
    assert for_answer(Answer(NOW, activation=6), steady, LIMITS, MADRID) == []


def test_the_usual_level_needs_a_few_recent_answers() -> None:
    assert usual_activation([Answer(hours_ago(5), activation=2)] * 2, NOW) is None
    old = [Answer(NOW - dt.timedelta(days=40), activation=1)] * 5
    assert usual_activation(old, NOW) is None
    assert (
        usual_activation(
            [Answer(hours_ago(h), activation=v) for h, v in ((1, 2), (2, 3), (3, 9))], NOW
        )
        == 3
    )


def test_the_safety_screen_sets_the_level() -> None:
    assert kinds(Answer(NOW, safety="urgent")) == {Kind.SAFETY: Level.URGENT}
    assert kinds(Answer(NOW, safety="concern")) == {Kind.SAFETY: Level.NORMAL}
    assert kinds(Answer(NOW, safety="none")) == {}


def test_no_sleep_on_two_days_running_is_a_signal_and_on_one_day_is_not() -> None:
    yesterday = Answer(hours_ago(24), slept="no", ate="yes")
    [signal] = for_answer(Answer(NOW, slept="no", ate="yes"), [yesterday], LIMITS, MADRID)
    assert signal.kind == Kind.BASICS
    assert signal.detail == {"missing": ["slept"], "days": 2}
    assert kinds(Answer(NOW, slept="no"), [Answer(hours_ago(2), slept="no")]) == {}


def test_a_yes_in_between_breaks_the_run() -> None:
    earlier = [Answer(hours_ago(12), ate="yes"), Answer(hours_ago(30), ate="no")]
    assert kinds(Answer(NOW, ate="no"), earlier) == {}


def test_days_are_counted_in_the_clients_own_calendar() -> None:
    # 23:30 and 00:30 in Madrid are two different days there, an hour apart.
    late = dt.datetime(2026, 11, 19, 22, 30, tzinfo=dt.UTC)
    early = dt.datetime(2026, 11, 19, 23, 30, tzinfo=dt.UTC)
    signals = for_answer(Answer(early, ate="no"), [Answer(late, ate="no")], LIMITS, MADRID)
    assert [s.kind for s in signals] == [Kind.BASICS]
