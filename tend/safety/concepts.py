"""Concepts found through lemmas: suicide named, a means made ready, a farewell.

Each language's data file lists, under [concepts], the phrases for each concept as
dictionary forms ("pill", "stockpile"; "pastilla", "juntar"). A phrase is found where the
text's lemmas, or its words as folded, spell it, so "juntó", "juntaba" and "junté" are
all "juntar" without being listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tend.safety.lexicon import Lexicon
from tend.safety.normalize import Normalized

Span = tuple[int, int]  # first and last word index, inclusive


def find(norm: Normalized, lexicon: Lexicon, lemma: Sequence[str]) -> Mapping[str, list[Span]]:
    """For each concept, the word spans where one of its phrases appears (`lemma`: one per
    word of `norm`, from `lemmas.lemmas`)."""
    words = norm.words
    index = _by_first_word(lexicon.language, lexicon.concepts)
    found: dict[str, set[Span]] = {name: set() for name in lexicon.concepts}
    for start, pair in enumerate(zip(words, lemma, strict=True)):
        for name, phrase in {entry for first in set(pair) for entry in index.get(first, ())}:
            if start + len(phrase) <= len(words) and _spells(phrase, words, lemma, start):
                found[name].add((start, start + len(phrase) - 1))
    return {name: sorted(spans) for name, spans in found.items()}


_INDEXES: dict[str, dict[str, list[tuple[str, tuple[str, ...]]]]] = {}


def _by_first_word(
    language: str, concepts: Mapping[str, Sequence[tuple[str, ...]]]
) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Each concept phrase filed under its first word (built once per language)."""
    if language not in _INDEXES:
        index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for name, phrases in concepts.items():
            for phrase in phrases:
                index.setdefault(phrase[0], []).append((name, phrase))
        _INDEXES[language] = index
    return _INDEXES[language]


def _spells(phrase: Sequence[str], words: Sequence[str], lemma: Sequence[str], start: int) -> bool:
    return all(
        part in (words[start + offset], lemma[start + offset]) for offset, part in enumerate(phrase)
    )


def near(span: Span, others: Sequence[Span], reach: int) -> bool:
    """Whether any of `others` lies within `reach` words of `span`."""
    return any(other[0] <= span[1] + reach and other[1] >= span[0] - reach for other in others)
