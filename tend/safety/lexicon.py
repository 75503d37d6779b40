"""Load each language's patterns from data/lexicon/<code>.toml and compile them.

Adding a language means adding a data file; see the comments at the top of en.toml for
the pattern syntax. Nothing here knows any words of any language.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from tend.safety.normalize import fold

Level = Literal["urgent", "concern"]

# (level, kind) for each phrase list, in the order they appear in the data files.
RISK_LISTS: tuple[tuple[Level, str], ...] = (
    ("urgent", "thoughts"),
    ("urgent", "intent"),
    ("urgent", "acts"),
    ("concern", "phrases"),
)
CUE_LISTS = (
    "negation",
    "denial",
    "plan",
    "situation",
    "leaving",
    "distress",
    "past",
    "recent",
    "other_voice",
    "self_voice",
    "quote_other",
    "quote_self",
)

_GAP = r"(?: [a-z0-9]+){0,3}"  # "..." in a pattern: up to three words
_CLAUSE_END = r'(?= [.,!?;:"]|$)'  # "<end>" in a pattern: end of the clause or text
_MACRO = re.compile(r"\{([a-z_]+)\}")
_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class Lexicon:
    language: str
    spelling: Mapping[str, str]
    risks: tuple[tuple[Level, str, re.Pattern[str]], ...]
    exempt: re.Pattern[str]
    cues: Mapping[str, re.Pattern[str]]
    clause_words: frozenset[str]
    subject_words: frozenset[str]
    # Concept name -> its phrases, each a tuple of folded words or lemmas ([concepts]).
    concepts: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    function_words: frozenset[str] = frozenset()  # [words] function
    thresholds: tuple[float, float] | None = None  # [model] risk_threshold, urgent_threshold


def compile_patterns(patterns: Iterable[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    """One regex matching any of `patterns` as whole words of normalised text."""
    bodies = sorted({_expand(pattern, macros) for pattern in patterns}, key=len, reverse=True)
    if not bodies:
        return _NEVER
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(bodies) + r")(?![a-z0-9])")


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    if "'" in pattern:
        raise ValueError(f"write patterns without apostrophes (do not, i am): {pattern!r}")
    text = " ".join(fold(pattern).split())
    text = text.replace(" <end>", _CLAUSE_END).replace(" ...", _GAP)

    def macro(match: re.Match[str]) -> str:
        try:
            return macros[match.group(1)]
        except KeyError:
            raise ValueError(f"unknown macro {{{match.group(1)}}} in {pattern!r}") from None

    return _MACRO.sub(macro, text)


def _alternatives(words: list[str]) -> str:
    return "(?:" + "|".join(" ".join(fold(word).split()) for word in words) + ")"


def _strings(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return value


def parse(language: str, data: Mapping[str, Any]) -> Lexicon:
    macro_table = data.get("macros", {})
    macros = {fold(name): _alternatives(_strings(macro_table, name)) for name in macro_table}
    spelling = {fold(key): fold(value) for key, value in data.get("spelling", {}).items()}
    risks = tuple(
        (level, kind, compile_patterns(_strings(data.get(level, {}), kind), macros))
        for level, kind in RISK_LISTS
    )
    cue_table = data.get("cues", {})
    cues = {name: compile_patterns(_strings(cue_table, name), macros) for name in CUE_LISTS}
    return Lexicon(
        language=language,
        spelling=spelling,
        risks=risks,
        exempt=compile_patterns(_strings(data.get("exempt", {}), "idioms"), macros),
        cues=cues,
        clause_words=frozenset(fold(word) for word in _strings(cue_table, "clause")),
        subject_words=frozenset(fold(word) for word in _strings(cue_table, "subject")),
        concepts=_concepts(data.get("concepts", {})),
        function_words=frozenset(
            fold(word) for word in _strings(data.get("words", {}), "function")
        ),
        thresholds=_thresholds(data.get("model", {})),
    )


def _thresholds(table: Mapping[str, Any]) -> tuple[float, float] | None:
    """[model] risk_threshold and urgent_threshold, each between 0 and 1, or None."""
    if not table:
        return None
    risk, urgent = table.get("risk_threshold"), table.get("urgent_threshold")
    if not (
        isinstance(risk, float)
        and isinstance(urgent, float)
        and min(risk, urgent) > 0
        and max(risk, urgent) < 1
    ):
        raise ValueError("[model] needs risk_threshold and urgent_threshold between 0 and 1")
    return (risk, urgent)


CONCEPTS = (
    "suicide",
    "own",
    "others",
    "topic_before",
    "topic_after",
    "means",
    "preparation",
    "farewell",
)


def _concepts(table: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], ...]]:
    unknown = set(table) - set(CONCEPTS)
    if unknown:
        raise ValueError(f"unknown concept {sorted(unknown)[0]!r}; known: {', '.join(CONCEPTS)}")
    return {
        name: tuple(tuple(fold(phrase).split()) for phrase in _strings(table, name))
        for name in CONCEPTS
    }


@cache
def loaded() -> Mapping[str, Lexicon]:
    """Every language with a data file, by code ("en", "es", ...)."""
    folder = resources.files("tend.safety") / "data" / "lexicon"
    found: dict[str, Lexicon] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            code = entry.name.removesuffix(".toml")
            found[code] = parse(code, tomllib.loads(entry.read_text(encoding="utf-8")))
    return found


def code_of(language: str) -> str:
    """The bare language code of "es", "es-MX", "ES_es"... ("es")."""
    return language.strip().lower().replace("_", "-").split("-")[0]
