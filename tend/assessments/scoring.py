"""Questionnaires as data, and scoring them: plain Python, no Django.

A definition (data/measures/<slug>.toml for Tend's own; a practice's own come as the same
dictionary) holds its items, the answer options and their values, reverse-scored and
critical items, how it is scored (a sum, or a sum scaled by a factor, as WHO-5's
percentage), bands with labels, the published reliability, and its words in every
language it is written in.

    >>> from tend.assessments.scoring import score
    >>> result = score("phq9", [1, 1, 0, 2, 0, 1, 0, 0, 1])
    >>> result.total, result.band, result.flags
    (6, 'mild', ('9',))

`reliable_change` is Jacobson and Truax's (1991) reliable change index.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SCORINGS = ("sum", "scaled")
RELIABILITY_KINDS = ("cronbach_alpha", "test_retest")
Z_95 = 1.96


class BadDefinition(ValueError):
    """A questionnaire definition Tend cannot use; the message names the problem."""


class BadAnswers(ValueError):
    """Answers that do not fit the questionnaire; the message says which and why."""


@dataclass(frozen=True)
class Option:
    value: int
    text: Mapping[str, str]


@dataclass(frozen=True)
class Item:
    key: str
    text: Mapping[str, str]
    reverse: bool = False
    critical: bool = False


@dataclass(frozen=True)
class Band:
    """A band of scores, or a rung of a ladder: its label, and optionally what it means for
    the client (`about`) and the approach it suggests to the practitioner."""

    key: str
    low: float
    high: float
    text: Mapping[str, str]
    about: Mapping[str, str] | None = None
    approach: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Definition:
    slug: str
    version: int
    title: Mapping[str, str]
    instructions: Mapping[str, str]
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    scoring: str = "sum"
    scale: float = 1
    band_on: str = "total"
    reliability: float | None = None
    reliability_kind: str = ""
    sd: float | None = None
    attribution: Mapping[str, str] | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.title)

    @property
    def lowest(self) -> int:
        return min(o.value for o in self.options) * len(self.items)

    @property
    def highest(self) -> int:
        return max(o.value for o in self.options) * len(self.items)


@dataclass(frozen=True)
class Score:
    slug: str
    total: int
    scaled: float
    band: str
    flags: tuple[str, ...]  # the critical items answered above their lowest option
    percent: float | None = None  # for a scaled measure (WHO-5), the scaled score


@dataclass(frozen=True)
class Change:
    index: float  # the reliable change index: the difference over its standard error
    reliable: bool  # beyond what measurement error alone would give 95% of the time


# ---------------------------------------------------------------------------- reading


def parse(data: Mapping[str, Any], name: str, languages: Sequence[str] = ()) -> Definition:
    """A definition from its dictionary (a TOML file's, or a form's), checked. `name` says
    where it came from in any message; `languages` must all be written (else any, with
    English or another, as long as every text has the same ones)."""

    def bad(problem: str) -> BadDefinition:
        return BadDefinition(f"{name}: {problem}")

    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip() or not slug.replace("_", "").isalnum():
        raise bad("slug must be letters and digits, like phq9")
    texts = [code for code in data if isinstance(data[code], Mapping) and "title" in data[code]]
    written = tuple(languages) or tuple(texts)
    if not written:
        raise bad("no words in any language: add [en] with a title and instructions")
    for code in written:
        if code not in texts:
            raise bad(f"no words in language {code!r}: add [{code}] with a title and instructions")

    def words(value: Any, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise bad(f"{where} needs its words in {', '.join(written)}")
        found = {}
        for code in written:
            text = value.get(code)
            if not isinstance(text, str) or not text.strip():
                raise bad(f"{where} has no words in {code!r}")
            found[code] = text.strip()
        return found

    title = {code: _text(data[code].get("title"), bad, f"[{code}] title") for code in written}
    instructions = {
        code: _text(data[code].get("instructions"), bad, f"[{code}] instructions")
        for code in written
    }
    options = tuple(
        Option(_int(o.get("value"), bad, f"option {n}"), words(o, f"option {n}"))
        for n, o in enumerate(_tables(data, "options", bad), 1)
    )
    if len(options) < 2:
        raise bad("needs at least two answer options")
    if len({o.value for o in options}) != len(options):
        raise bad("two answer options have the same value")
    items = tuple(
        Item(
            key=str(i.get("key") or n),
            text=words(i, f"item {i.get('key') or n}"),
            reverse=_bool(i.get("reverse", False), bad, f"item {n} reverse"),
            critical=_bool(i.get("critical", False), bad, f"item {n} critical"),
        )
        for n, i in enumerate(_tables(data, "items", bad), 1)
    )
    if not items:
        raise bad("needs at least one item")
    if len({i.key for i in items}) != len(items):
        raise bad("two items have the same key")
    scoring = data.get("scoring", "sum")
    if scoring not in SCORINGS:
        raise bad(f"scoring must be one of {', '.join(SCORINGS)}")
    scale = data.get("scale", 1)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        raise bad("scale must be a number above 0")
    band_on = data.get("band_on", "total")
    if band_on not in ("total", "scaled"):
        raise bad('band_on must be "total" or "scaled"')
    reliability = data.get("reliability")
    if reliability is not None and (
        not isinstance(reliability, int | float) or not 0 < reliability < 1
    ):
        raise bad("reliability must be a number between 0 and 1")
    kind = data.get("reliability_kind", "")
    if reliability is not None and kind not in RELIABILITY_KINDS:
        raise bad(f"reliability_kind must be one of {', '.join(RELIABILITY_KINDS)}")
    sd = data.get("sd")
    if sd is not None and (not isinstance(sd, int | float) or sd <= 0):
        raise bad("sd must be a number above 0")
    definition = Definition(
        slug=slug,
        version=_int(data.get("version", 1), bad, "version"),
        title=title,
        instructions=instructions,
        options=options,
        items=items,
        bands=(),
        scoring=scoring,
        scale=scale,
        band_on=band_on,
        reliability=reliability,
        reliability_kind=kind,
        sd=sd,
        attribution=words(data["attribution"], "attribution") if "attribution" in data else None,
    )
    bands = tuple(
        Band(
            key=str(b.get("key", "")),
            low=_number(b.get("min"), bad, f"band {b.get('key')} min"),
            high=_number(b.get("max"), bad, f"band {b.get('key')} max"),
            text=words(b, f"band {b.get('key')}"),
            about=words(b["about"], f"band {b.get('key')} about") if "about" in b else None,
            approach=(
                words(b["approach"], f"band {b.get('key')} approach") if "approach" in b else None
            ),
        )
        for b in _tables(data, "bands", bad)
    )
    _check_bands(definition, bands, bad)
    return dataclasses.replace(definition, bands=bands)


def _check_bands(definition: Definition, bands: tuple[Band, ...], bad: Any) -> None:
    """Bands in order, covering every score the questionnaire can give, with no overlap."""
    if not bands:
        raise bad("needs at least one band")
    if any(not b.key or not b.key.replace("_", "").isalnum() for b in bands):
        raise bad("every band needs a key of letters, digits and _")
    factor = definition.scale if definition.band_on == "scaled" else 1
    lowest, highest = definition.lowest * factor, definition.highest * factor
    for band in bands:
        if band.low > band.high:
            raise bad(f"band {band.key} starts above where it ends")
    if bands[0].low > lowest:
        raise bad(f"the bands start at {bands[0].low:g}, above the lowest score {lowest:g}")
    if bands[-1].high < highest:
        raise bad(f"the bands end at {bands[-1].high:g}, below the highest score {highest:g}")
    for before, after in itertools.pairwise(bands):
        if after.low <= before.high:
            raise bad(f"bands {before.key} and {after.key} overlap")
        # Scores move in steps of one answer point, times the scale: a wider gap leaves a
        # score with no band.
        if after.low - before.high > factor + 1e-9:
            raise bad(f"a score between bands {before.key} and {after.key} has no band")


def _tables(data: Mapping[str, Any], key: str, bad: Any) -> list[Mapping[str, Any]]:
    found = data.get(key, [])
    if not isinstance(found, list) or not all(isinstance(t, Mapping) for t in found):
        raise bad(f"{key} must be a list of tables ([[{key}]])")
    return found


def _text(value: Any, bad: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(f"{where} is missing")
    return value.strip()


def _int(value: Any, bad: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad(f"{where} needs a whole number")
    return value


def _number(value: Any, bad: Any, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise bad(f"{where} needs a number")
    return float(value)


def _bool(value: Any, bad: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise bad(f"{where} must be true or false")
    return value


@cache
def builtins() -> dict[str, Definition]:
    """Tend's own questionnaires by slug, from data/measures/*.toml."""
    folder = resources.files("tend.assessments") / "data" / "measures"
    found = {}
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.name.endswith(".toml"):
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            definition = parse(data, f"data/measures/{item.name}")
            found[definition.slug] = definition
    return found


# ---------------------------------------------------------------------------- scoring


def score(slug: str, answers: Sequence[int], definition: Definition | None = None) -> Score:
    """Score `answers` (option values, in item order) on the questionnaire `slug`."""
    if definition is None:
        definition = builtins().get(slug)
        if definition is None:
            known = ", ".join(sorted(builtins()))
            raise BadAnswers(f"there is no questionnaire {slug!r} (Tend has {known})")
    items = definition.items
    if len(answers) != len(items):
        raise BadAnswers(f"{slug} has {len(items)} items; {len(answers)} answers were given")
    values = sorted(o.value for o in definition.options)
    low, high = values[0], values[-1]
    counted = []
    for item, answer in zip(items, answers, strict=True):
        if not isinstance(answer, int) or isinstance(answer, bool) or answer not in values:
            allowed = ", ".join(str(v) for v in values)
            raise BadAnswers(f"item {item.key}: {answer!r} is not one of {allowed}")
        counted.append(low + high - answer if item.reverse else answer)
    total = sum(counted)
    scaled = total * definition.scale
    on = scaled if definition.band_on == "scaled" else total
    band = next(
        (b.key for b in definition.bands if b.low <= on <= b.high), definition.bands[-1].key
    )
    flags = tuple(
        item.key
        for item, answer in zip(items, answers, strict=True)
        if item.critical and answer > low
    )
    percent = scaled if definition.scoring == "scaled" else None
    return Score(slug, total, scaled, band, flags, percent)


def reliable_change(before: float, after: float, sd: float, reliability: float) -> Change:
    """Jacobson and Truax's reliable change index between two scores, from the standard
    deviation of the measure in a reference sample and its reliability."""
    if sd <= 0 or not 0 < reliability < 1:
        raise ValueError("sd must be above 0 and reliability between 0 and 1")
    error = sd * math.sqrt(1 - reliability)  # the standard error of measurement
    index = (after - before) / (math.sqrt(2) * error)
    return Change(index, abs(index) > Z_95)
