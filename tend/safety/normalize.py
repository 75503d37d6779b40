"""Normalise free text for matching, keeping a way back to the writer's own words.

Steps: lowercase, strip accents, unify quote marks, split into words and punctuation,
collapse repeated letters ("dieeee" -> "die", "kill" -> "kil"), drop apostrophes, then
apply the language's respelling map ("kms" -> "kil myself", "kiero" -> "quiero").
Lexicon patterns go through the same `fold`, so both sides always agree.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

QUOTE = '"'
SENTENCE_END = frozenset({".", "!", "?", ";"})
PUNCTUATION = SENTENCE_END | {",", ":", QUOTE}

# Curly, low and angle quotes become '"'; curly apostrophes, backtick and acute become "'".
_QUOTE_MARKS = str.maketrans(
    dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a", '"')
    | dict.fromkeys("\u2018\u2019\u201a`\u00b4", "'")
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|['\"]|[.,!?;:\n]")
_REPEATS = re.compile(r"([a-z])\1+")


def fold(text: str) -> str:
    """Lowercase, strip accents and collapse repeated letters ("Quéééé" -> "que")."""
    return _REPEATS.sub(r"\1", _fold_chars(text)[0])


def _fold_chars(text: str) -> tuple[str, list[int]]:
    """Folded text plus, for each folded character, its index in `text`."""
    text = text.translate(_QUOTE_MARKS)
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char).lower():
            if not unicodedata.combining(part):
                chars.append(part)
                origin.append(index)
    return "".join(chars), origin


@dataclass(frozen=True)
class Normalized:
    """Canonical words joined by single spaces, each mapped to its span in `source`."""

    source: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    text: str
    starts: tuple[int, ...]

    def word_at(self, offset: int) -> int:
        """Index of the word containing character `offset` of `text`."""
        return bisect.bisect_right(self.starts, offset) - 1

    def original(self, first: int, last: int) -> str:
        """The writer's own text from word `first` to word `last` (inclusive)."""
        return self.source[self.spans[first][0] : self.spans[last][1]]


def normalize(text: str, spelling: Mapping[str, str]) -> Normalized:
    folded, origin = _fold_chars(text)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(folded):
        span = (origin[match.start()], origin[match.end() - 1] + 1)
        for word in _canonical(match.group(), spelling):
            words.append(word)
            spans.append(span)
    starts: list[int] = []
    offset = 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return Normalized(text, tuple(words), tuple(spans), " ".join(words), tuple(starts))


def _canonical(piece: str, spelling: Mapping[str, str]) -> list[str]:
    if piece in ("'", '"'):
        return [QUOTE]
    if piece == "\n":
        return ["."]
    piece = _REPEATS.sub(r"\1", piece).replace("'", "")
    return spelling.get(piece, piece).split()
