"""Which language each sentence of a text is written in.

People mix languages ("hoy fue un buen día. but tonight I want to end it"), so the screen
reads each sentence with the rules and model of its own language. lingua tells the
languages apart, choosing only among those the screen has data for; a sentence too short
to tell ("ok", "kms", "quiero matarme") is read in every language, the client's first, and
one told as another language than the client's is read in that one and in the client's
(screening.py): informal writing can fool the detector ("im sucidal rn" reads as Spanish).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

MIN_WORDS = 3  # fewer words than this are too few to tell languages apart
MIN_CONFIDENCE = 0.75

_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?\n]+[\"'\u201d\u2019\u00bb)\]]*|$)")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Segment:
    """A run of consecutive sentences in one language, as written."""

    language: str | None
    text: str


def sentences(text: str) -> list[str]:
    """The text's sentences, as written: punctuation kept, and anything without a word (a
    closing quote, an emoji) joined to the sentence before it."""
    found: list[str] = []
    for part in _SENTENCE.findall(text):
        if found and not _WORD.search(part):
            found[-1] += part
        elif part:
            found.append(part)
    return found


@cache
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(sentence: str, codes: Sequence[str]) -> str | None:
    """The language of `sentence` among `codes`, or None when it is too short or unclear."""
    if len(codes) == 1:
        return codes[0]
    if len(_WORD.findall(sentence)) < MIN_WORDS:
        return None
    best = _detector(tuple(sorted(codes))).compute_language_confidence_values(sentence)[0]
    if best.value < MIN_CONFIDENCE:
        return None
    return str(best.language.iso_code_639_1.name.lower())


def segments(text: str, codes: Sequence[str]) -> list[Segment]:
    """`text` cut into runs of sentences by language, each one of `codes`, or None for
    sentences too short or too unclear to tell (the caller reads those in every language).

    A sentence too short to tell also joins the run before it (or, opening the text, the
    run after it): "ya está" or "that's it" at the end of a message belongs to what came
    before, and read apart from it, that message can lose the words that made it final.
    """
    parts = [(detect(part, codes), part) for part in sentences(text)]
    known = [code for code, _ in parts if code is not None]
    if not known:
        return [Segment(None, text)] if text else []
    runs: list[Segment] = []
    for code, part in parts:
        language = code or (runs[-1].language if runs else known[0])
        if runs and runs[-1].language == language:
            runs[-1] = Segment(language, runs[-1].text + part)
        else:
            runs.append(Segment(language, part))
    loose = [  # each run of short sentences, read alone as well
        Segment(None, "".join(part for _, part in group))
        for short, group in itertools.groupby(parts, key=lambda item: item[0] is None)
        if short
    ]
    return runs + loose
