"""Dictionary forms of a text's words (simplemma), folded like the rules fold words.

"tomé", "tomaré" and "tomando" all become "tomar"; "pills" becomes "pill". The lemma is
taken from the word as written, accents and all (Spanish inflection needs them), then
folded, so it can be compared with the folded words the rules see.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

from tend.safety.normalize import Normalized, fold


@lru_cache(maxsize=65536)
def lemma(word: str, language: str) -> str:
    """The folded dictionary form of one word (itself when unknown or not a word)."""
    if not word.isalpha():
        return fold(word)
    return fold(str(simplemma.lemmatize(word.lower(), lang=language)))


def lemmas(norm: Normalized, language: str) -> tuple[str, ...]:
    """One lemma per word of `norm`; respelled words ("kms" -> "kil myself") keep theirs."""
    found = []
    for word, (start, end) in zip(norm.words, norm.spans, strict=True):
        written = norm.source[start:end]
        found.append(lemma(written if _folded(written) == word else word, language))
    return tuple(found)


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return fold(word)
