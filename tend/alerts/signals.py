"""What in a client's answers means a practitioner should look now.

Plain functions over plain values: an answer, the client's recent answers and the
practice's thresholds go in; the signals that fire come out. Saving them is `services.py`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tend.alerts.models import Kind, Level

# Answers older than this don't count towards a client's usual level.
BASELINE_DAYS = 30
BASELINE_MIN_ANSWERS = 3


@dataclass(frozen=True)
class Thresholds:
    activation: int = 8
    baseline_jump: int = 4
    basics_days: int = 2


@dataclass(frozen=True)
class Answer:
    at: dt.datetime
    activation: int | None = None
    wants_contact: bool | None = None
    slept: str = ""
    ate: str = ""
    safety: str = ""  # the screen's level for the client's words: "", none, concern, urgent


@dataclass(frozen=True)
class Signal:
    kind: Kind
    level: Level
    detail: dict[str, Any] = field(default_factory=dict)


def usual_activation(earlier: Sequence[Answer], at: dt.datetime) -> int | None:
    """The client's recent usual level: the median of the last month's answers, if enough."""
    since = at - dt.timedelta(days=BASELINE_DAYS)
    values = [a.activation for a in earlier if a.activation is not None and a.at >= since]
    if len(values) < BASELINE_MIN_ANSWERS:
        return None
    return round(statistics.median(values))


def days_without(basic: str, answer: Answer, earlier: Sequence[Answer], zone: dt.tzinfo) -> int:
    """How many days, counted in the client's calendar, `basic` has gone unmet up to now."""
    if getattr(answer, basic) != "no":
        return 0
    first = answer.at
    for previous in sorted(earlier, key=lambda a: a.at, reverse=True):
        value = getattr(previous, basic)
        if value == "no":
            first = previous.at
        elif value == "yes":
            break  # an unanswered question doesn't break the run; a "yes" does
    return (answer.at.astimezone(zone).date() - first.astimezone(zone).date()).days + 1


def for_answer(
    answer: Answer, earlier: Sequence[Answer], limits: Thresholds, zone: dt.tzinfo
) -> list[Signal]:
    """The signals one answer raises, most serious first. `earlier` are the ones before it."""
    signals = []
    if answer.safety in ("urgent", "concern"):
        level = Level.URGENT if answer.safety == "urgent" else Level.NORMAL
        signals.append(Signal(Kind.SAFETY, level, {"screen": answer.safety}))
    if answer.wants_contact:
        # Activation at the top of the scale with a request for contact is a crisis.
        level = Level.URGENT if answer.activation == 10 else Level.NORMAL
        signals.append(Signal(Kind.CONTACT, level, {}))
    if answer.activation is not None:
        usual = usual_activation(earlier, answer.at)
        high = answer.activation >= limits.activation
        jump = usual is not None and answer.activation - usual >= limits.baseline_jump
        if high or jump:
            detail = {"activation": answer.activation, "usual": usual}
            signals.append(Signal(Kind.ACTIVATION, Level.NORMAL, detail))
    missing = {
        basic: days
        for basic in ("slept", "ate")
        if (days := days_without(basic, answer, earlier, zone)) >= limits.basics_days
    }
    if missing:
        signals.append(
            Signal(
                Kind.BASICS,
                Level.NORMAL,
                {"missing": sorted(missing), "days": max(missing.values())},
            )
        )
    return signals
