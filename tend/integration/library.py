"""Tend's own practices (data/practices/*.toml), and which practices a reader may see.

Each file is one practice: its kind, rough minutes, the intensities and modalities it
suits, and its words in every language Tend speaks. `sync` writes them into the database
after every migration, so a practice's plans can point at them like at their own.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from tend.integration.models import Exercise, Kind
from tend.lib.languages import codes
from tend.lib.session_kinds import Intensity, Modality

INTENSITIES = tuple(Intensity.values)
MODALITIES = tuple(Modality.values)
TITLE_MAX, SUMMARY_MAX, STEPS_MAX = 60, 160, 7


class BadPractice(ValueError):
    """A practice's definition Tend cannot use; the message names the problem."""


def check(data: dict[str, Any], name: str, every_language: bool = True) -> dict[str, Any]:
    """The practice in `data`, checked; `name` says where it came from in any message.
    Tend's own speak every language; a practice's own need at least one (a client reads
    the nearest there is)."""

    def bad(problem: str) -> BadPractice:
        return BadPractice(f"{name}: {problem}")

    if data.get("kind") not in Kind.values:
        raise bad(f"kind must be one of {', '.join(Kind.values)}")
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise bad("minutes must be a whole number from 1 to 60")
    intensities = data.get("intensities")
    if not intensities or not set(intensities) <= set(INTENSITIES):
        raise bad(f"intensities must be some of {', '.join(INTENSITIES)}")
    if not set(data.get("modalities", [])) <= set(MODALITIES):
        raise bad(f"modalities must be some of {', '.join(MODALITIES)}")
    texts = {}
    for code in codes():
        words = data.get(code)
        if words is None and not every_language:
            continue
        if not isinstance(words, dict):
            raise bad(f"no words in language {code!r}")
        texts[code] = _words(words, f"[{code}]", bad)
    if not texts:
        raise bad("no words in any language")
    if len({len(words["steps"]) for words in texts.values()}) > 1:
        raise bad("every language needs the same number of steps")
    return {
        "kind": data["kind"],
        "minutes": minutes,
        "intensities": [i for i in INTENSITIES if i in intensities],
        "modalities": [m for m in MODALITIES if m in data.get("modalities", [])],
        "text": texts,
    }


def _words(words: dict[str, Any], where: str, bad: Any) -> dict[str, Any]:
    title, summary = words.get("title"), words.get("summary")
    if not isinstance(title, str) or not 0 < len(title.strip()) <= TITLE_MAX:
        raise bad(f"{where} title must be 1 to {TITLE_MAX} characters")
    if not isinstance(summary, str) or not 0 < len(summary.strip()) <= SUMMARY_MAX:
        raise bad(f"{where} summary must be 1 to {SUMMARY_MAX} characters")
    steps = words.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= STEPS_MAX:
        raise bad(f"{where} needs 1 to {STEPS_MAX} steps")
    prompts = words.get("prompts", [])
    for item in [*steps, *prompts]:
        if not isinstance(item, str) or not item.strip():
            raise bad(f"{where} has an empty step or prompt")
    return {
        "title": title.strip(),
        "summary": summary.strip(),
        "steps": [s.strip() for s in steps],
        "prompts": [p.strip() for p in prompts],
    }


@cache
def builtins() -> dict[str, dict[str, Any]]:
    """Tend's own practices by key, read from the data files and checked."""
    folder = resources.files("tend.integration") / "data" / "practices"
    found = {}
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.name.endswith(".toml"):
            key = item.name.removesuffix(".toml")
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            found[key] = check(data, f"data/practices/{item.name}")
    return found


def sync() -> int:
    """Make the database's built-in practices match the data files. Returns how many."""
    shipped = builtins()
    with transaction.atomic():
        for key, fields in shipped.items():
            Exercise.objects.update_or_create(
                practice=None, key=key, defaults={**fields, "retired": False}
            )
        # Kept, not deleted: a client's "I did this" still names it.
        Exercise.objects.filter(practice=None).exclude(key__in=shipped).update(retired=True)
    return len(shipped)


def sync_after_migrate(**kwargs: Any) -> None:
    sync()


def visible(practice_id: int) -> QuerySet[Exercise]:
    """Every practice a practice's people may see: Tend's and their own."""
    return Exercise.objects.filter(Q(practice=None) | Q(practice_id=practice_id), retired=False)


def card(exercise: Exercise, language: str, reason: str = "", url: str = "") -> dict[str, object]:
    """What a page or an email shows of a practice: its words in `language`, why it is
    offered (if suggested), and a signed link when the reader is not signed in."""
    return {"exercise": exercise, **exercise.words(language), "reason": reason, "url": url}


def light(practice_id: int) -> list[Exercise]:
    """Every visible practice without its words (`with_words` adds them to the one or two
    chosen), quickest first."""
    return list(visible(practice_id).defer("text").order_by("minutes", "kind", "key"))


def suits(exercise: Exercise, intensity: str, modality: str) -> bool:
    return intensity in exercise.intensities and (
        not exercise.modalities or modality in exercise.modalities
    )


def fitting(practice_id: int, intensity: str, modality: str) -> list[Exercise]:
    """Practices that suit a session of this intensity and modality, quickest first."""
    return [e for e in light(practice_id) if suits(e, intensity, modality)]


def with_words(exercises: list[Exercise]) -> list[Exercise]:
    """The same practices, their words read in one query rather than one each."""
    missing = [e.pk for e in exercises if "text" not in e.__dict__]
    if missing:
        texts = dict(Exercise.objects.filter(pk__in=missing).values_list("pk", "text"))
        for exercise in exercises:
            if exercise.pk in texts:
                exercise.text = texts[exercise.pk]
    return exercises
