"""Practices suggested after a check-in, each with its reason in plain words.

The rules are data (data/suggestions.toml, which a practice can read on its plans page);
this module only reads them and tells which apply to one answer.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from tend.integration.models import Exercise
from tend.lib.languages import codes, pick

SUGGESTED = 2


@dataclass(frozen=True)
class Answer:
    """What a check-in said, as far as suggestions care."""

    language: str
    activation: int | None = None
    quick: str = ""
    sensations: Sequence[str] = ()
    emotions: Sequence[str] = ()
    basics: Sequence[str] = ()  # "yes", "no" or "" for sleep, food, water, movement
    note: str = ""


@dataclass(frozen=True)
class Rule:
    name: str
    kinds: tuple[str, ...]
    reason: dict[str, str]
    activation_at_least: int | None = None
    quick: frozenset[str] = frozenset()
    sensations: frozenset[str] = frozenset()
    emotions: frozenset[str] = frozenset()
    basics_not_yet: bool = False
    note_words: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def applies(self, answer: Answer) -> bool:
        activation = answer.activation
        return (
            (
                self.activation_at_least is not None
                and activation is not None
                and activation >= self.activation_at_least
            )
            or answer.quick in self.quick
            or bool(self.sensations.intersection(answer.sensations))
            or bool(self.emotions.intersection(answer.emotions))
            or (self.basics_not_yet and "no" in answer.basics)
            or _says(answer.note, pick(self.note_words, answer.language, fallback=False) or ())
        )


@dataclass(frozen=True)
class Suggestion:
    exercise: Exercise
    reason: str


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


def _says(note: str, words: Sequence[str]) -> bool:
    if not note.strip() or not words:
        return False
    folded = " " + " ".join(re.findall(r"\w+", _fold(note))) + " "
    return any(f" {_fold(word)}" in folded for word in words)


@cache
def rules() -> tuple[Rule, ...]:
    text = (resources.files("tend.integration") / "data" / "suggestions.toml").read_text("utf-8")
    return tuple(_rule(data) for data in tomllib.loads(text)["rule"])


def _rule(data: dict[str, Any]) -> Rule:
    missing = [code for code in codes() if not data.get("reason", {}).get(code)]
    if missing:
        raise ValueError(f"suggestion rule {data.get('name')!r} has no reason in {missing}")
    return Rule(
        name=data["name"],
        kinds=tuple(data["kinds"]),
        reason=dict(data["reason"]),
        activation_at_least=data.get("activation_at_least"),
        quick=frozenset(data.get("quick", ())),
        sensations=frozenset(data.get("sensations", ())),
        emotions=frozenset(data.get("emotions", ())),
        basics_not_yet=bool(data.get("basics_not_yet", False)),
        note_words={code: tuple(words) for code, words in data.get("note_words", {}).items()},
    )


def applying(answer: Answer) -> list[Rule]:
    return [rule for rule in rules() if rule.applies(answer)]


def suggest(answer: Answer, candidates: Sequence[Exercise]) -> list[Suggestion]:
    """One practice for each of the first two rules that apply, from `candidates` (best
    first), never the same practice twice."""
    chosen: list[Suggestion] = []
    for rule in applying(answer):
        taken = {s.exercise.pk for s in chosen}
        exercise = next((e for e in candidates if e.kind in rule.kinds and e.pk not in taken), None)
        if exercise is not None:
            chosen.append(Suggestion(exercise, str(pick(rule.reason, answer.language))))
        if len(chosen) == SUGGESTED:
            break
    return chosen
