"""The statistical layer: a classifier trained on the labelled corpus in data/corpus/.

Each language has its own small model, trained the first time it is needed from the files
in ``data/corpus/<code>/*.tsv`` (seconds, once the corpus is encoded: meaning.py; nothing is
downloaded, and the same files always give the same model). A text becomes:

- character n-grams of each word (2 to 5 letters, with the word's edges), after the same
  folding the rules use (lowercase, no accents, "kms" -> "kil myself"), so that typos,
  inflections and new compounds still share most of their pieces with known words;
- lemmas (simplemma), marked when a negation reaches them, and pairs of lemmas, so that
  "tomé", "tomaré" and "tomando" are one word, and "take all" is read as a phrase;
- what the rules noticed ("hit:urgent:intent:denied", "cue:distress", "concept:means").

Two logistic regressions read the same features: one says whether there is any risk
(concern or urgent), the other whether it is urgent. Beside them, the labelled texts
nearest in meaning (meaning.py) give their own shares of risk and urgency, and each
probability the screen uses is the even blend of the regression's and the neighbours'. A
text is risk when the blended risk reaches a threshold, and urgent when blended risk times
blended urgency reaches another: both must lean that way. The thresholds are chosen on the
corpus's cross-validation ([model] in the lexicon file; README.md, "How well it works"). A
reading names the words it leaned on most, exactly as written.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tend.safety import meaning
from tend.safety.lexicon import Lexicon, loaded
from tend.safety.meaning import Neighbours
from tend.safety.rules import Analysis, Level, analyse

LEVELS = ("none", "concern", "urgent")
CHAR_SIZES = range(2, 6)
# Thresholds when a language's data file sets none ([model] in data/lexicon/<code>.toml):
# each language's are chosen on its corpus's cross-validation, for the most recall that
# keeps false positives on safe text within 0.05 (urgent) and 0.15 (any level). The first
# is for the risk probability, the second for risk times urgent.
THRESHOLDS = (0.65, 0.45)  # (any risk, urgent)
# How much the nearest labelled texts count beside the regressions (0: not at all).
BLEND = 0.5
EXPLAIN_WORDS = 3


@dataclass(frozen=True)
class Reading:
    level: Level
    risk: float
    urgent: float
    matches: tuple[str, ...] = ()


def char_grams(word: str) -> list[str]:
    padded = f" {word} "
    return [
        padded[start : start + size]
        for size in CHAR_SIZES
        for start in range(max(1, len(padded) - size + 1))
    ]


def _features(analysis: Analysis) -> tuple[list[str], list[str], list[str]]:
    """Every feature of one text, in three blocks: char n-grams per word; lemmas (marked
    when negated) and pairs of lemmas; what the rules noticed. What the rules have read and
    set aside (idioms, someone else's words, negated phrases) is theirs: the model reads the
    words around it."""
    norm = analysis.norm
    kept = [
        index
        for index, word in enumerate(norm.words)
        if word[0].isalnum() and not analysis.set_aside[index]
    ]
    grams = [gram for index in kept for gram in char_grams(norm.words[index])]
    every = analysis.lemmas
    marked = [f"{'N' if analysis.negated[index] else 'L'}:{every[index]}" for index in kept]
    words = marked + [f"{a} {b}" for a, b in itertools.pairwise(marked)]
    return grams, words, list(analysis.signals)


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, dtype=np.float64)


def _identity(features: list[str]) -> list[str]:
    return features


@dataclass
class Model:
    """A trained model. Reading one text needs no scikit-learn: the same tf-idf (sublinear
    term frequency, the fitted idf, each block scaled to unit length) and the same logistic
    function, done on a dictionary, take a fraction of a millisecond."""

    language: str
    lexicon: Lexicon
    columns: tuple[dict[str, int], ...]  # per block: feature -> column (offset included)
    idf: np.ndarray
    risk: tuple[np.ndarray, float]  # coefficients and intercept
    urgent: tuple[np.ndarray, float]
    neighbours: Neighbours

    def vector(self, features: tuple[list[str], ...]) -> Vector:
        """The text's tf-idf vector: its columns, and the value in each."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for block, known in zip(features, self.columns, strict=True):
            found = [
                (known[feature], count)
                for feature, count in Counter(block).items()
                if feature in known
            ]
            if not found:
                continue
            where = np.fromiter((column for column, _ in found), dtype=np.int64, count=len(found))
            counts = np.fromiter((count for _, count in found), dtype=np.float64, count=len(found))
            weight = (1.0 + np.log(counts)) * self.idf[where]
            columns.append(where)
            values.append(weight / math.sqrt(float(weight @ weight)))
        if not columns:
            return Vector(np.zeros(0, dtype=np.int64), np.zeros(0))
        return Vector(np.concatenate(columns), np.concatenate(values))

    def read(self, analysis: Analysis, lean: tuple[float, float] | None = None) -> Reading:
        """The model's reading of one text. `lean` is what `self.neighbours` say of the same
        text; without it, the regressions alone."""
        norm = analysis.norm
        function = self.lexicon.function_words
        if not any(
            word[0].isalnum() and not aside and word not in function
            for word, aside in zip(norm.words, analysis.set_aside, strict=True)
        ):  # nothing of the writer's own is left once the rules set their phrases aside
            return Reading("none", 0.0, 0.0)
        vector = self.vector(_features(analysis))
        risk, urgent = _probability(vector, self.risk), _probability(vector, self.urgent)
        if lean is not None:
            risk = (1 - BLEND) * risk + BLEND * lean[0]
            urgent = (1 - BLEND) * urgent + BLEND * lean[1]
        at_risk, at_urgent = self.lexicon.thresholds or THRESHOLDS
        # Urgent when both lean that way: a day, a time or a trip alone can read as urgency
        # to the second regression, in a text the first reads as no risk at all.
        level: Level = (
            "urgent" if risk * urgent >= at_urgent else "concern" if risk >= at_risk else "none"
        )
        if level == "none":
            return Reading(level, risk, urgent)
        weights = self.urgent if level == "urgent" else self.risk
        return Reading(level, risk, urgent, self._leaned_on(analysis, vector, weights))

    def _leaned_on(
        self, analysis: Analysis, vector: Vector, weights: tuple[np.ndarray, float]
    ) -> tuple[str, ...]:
        """The writer's words that pushed the reading up the most, in the order written;
        function words ("I", "not", "que") are never named. When none of the words pushed it
        up (the texts nearest in meaning did), the text itself, as written."""
        pushes = vector.values * weights[0][vector.columns]
        push = dict(zip(vector.columns.tolist(), pushes.tolist(), strict=True))
        chars, words = self.columns[0], self.columns[1]
        norm = analysis.norm
        every = analysis.lemmas
        scored = []
        for position, word in enumerate(norm.words):
            if not word[0].isalnum() or analysis.set_aside[position]:
                continue
            found = [chars.get(gram) for gram in char_grams(word)]
            found.append(
                words.get(f"{'N' if analysis.negated[position] else 'L'}:{every[position]}")
            )
            score = sum(push.get(column, 0.0) for column in found if column is not None)
            scored.append((score, position))
        function = self.lexicon.function_words
        content = [item for item in scored if item[0] > 0 and norm.words[item[1]] not in function]
        if not content:
            return (norm.source.strip(),)
        top = sorted(content, reverse=True)[:EXPLAIN_WORDS]
        named = (norm.original(position, position) for position in sorted(p for _, p in top))
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True)
class Vector:
    columns: np.ndarray
    values: np.ndarray


def _probability(vector: Vector, weights: tuple[np.ndarray, float]) -> float:
    coef, intercept = weights
    z = intercept + float(vector.values @ coef[vector.columns])
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


def read_tsv(text: str) -> list[tuple[str, str]]:
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            level, sentence = line.split("\t", 1)
            if level not in LEVELS:
                raise ValueError(f"unknown level {level!r} in: {line}")
            rows.append((level, sentence.strip()))
    return rows


def corpus(language: str) -> list[tuple[str, str]]:
    """Every labelled text for `language`, in a fixed order (files by name, then lines)."""
    folder = resources.files("tend.safety") / "data" / "corpus" / language
    if not folder.is_dir():
        return []
    files = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".tsv")),
        key=lambda item: item.name,
    )
    return [row for item in files for row in read_tsv(item.read_text(encoding="utf-8"))]


def train(rows: Iterable[tuple[str, str]], language: str) -> Model:
    """A model for `language` from (level, text) rows. The same rows give the same model."""
    lexicon = loaded()[language]
    rows = list(rows)
    docs = [_features(analyse(text, lexicon)) for _, text in rows]
    vectorizers = [_vectorizer() for _ in docs[0]]
    blocks = [
        vectorizer.fit_transform([doc[index] for doc in docs])
        for index, vectorizer in enumerate(vectorizers)
    ]
    matrix = sparse.hstack(blocks, format="csr")
    levels = np.array([LEVELS.index(level) for level, _ in rows])
    columns, offset = [], 0
    for vectorizer in vectorizers:
        columns.append(
            {feature: offset + column for feature, column in vectorizer.vocabulary_.items()}
        )
        offset += len(vectorizer.vocabulary_)
    idf = np.concatenate([vectorizer.idf_ for vectorizer in vectorizers])
    return Model(
        language,
        lexicon,
        tuple(columns),
        idf,
        _fit(matrix, levels >= 1),
        _fit(matrix, levels == 2),
        Neighbours.of(rows),
    )


def _fit(matrix: sparse.csr_matrix, target: np.ndarray) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear", max_iter=1000)
    model.fit(matrix, target)
    return model.coef_[0].copy(), float(model.intercept_[0])


@cache
def model_for(language: str) -> Model | None:
    """The trained model for `language`, or None when there is no corpus for it."""
    rows = corpus(language)
    if not rows or language not in loaded():
        return None
    return train(rows, language)


def _train_all() -> None:
    for code in loaded():
        model_for(code)
    meaning.forget()


_warming: list[threading.Thread] = []
_warming_lock = threading.Lock()


def warm_up() -> threading.Thread:
    """Train every language's model in the background, so the first client who writes
    does not wait for it (a web process calls this as it starts). Called again, it gives
    the same thread: `tend serve` waits on it before forking, so its web processes share
    the trained models."""
    with _warming_lock:
        if not _warming:
            _warming.append(threading.Thread(target=_train_all, daemon=True))
            _warming[0].start()
        return _warming[0]
