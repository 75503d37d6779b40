"""Screening: how long the safety screen takes on one text, and training on the corpus.

Prints one JSON line: {"bench": "screening", "texts", "train_seconds", "p50_ms", "p95_ms",
"p99_ms", "max_ms", "rules_p95_ms", "ratio"}. The texts are every labelled text in the
corpus (both languages, each screened in its own), read three times in a shuffled order
after one warm-up pass; each is timed alone with perf_counter, encoded afresh as a client's
text would be. Target: p95_ms under 5.
rules_p95_ms is the same texts through the rules alone (no statistical layer), measured in
the same run, and ratio = p95_ms / rules_p95_ms: what the model and the texts nearest in
meaning cost. train_seconds counts encoding the corpus only when the cache file
(tend/safety/meaning.py) does not hold it yet.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable

from tend.safety import meaning
from tend.safety.model import corpus, model_for
from tend.safety.screening import screen, screen_with

ROUNDS = 3


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def _timings(texts: list[tuple[str, str]], read: Callable[[str, str], object]) -> list[float]:
    times = []
    for text, language in texts:
        started = time.perf_counter()
        read(text, language)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    started = time.perf_counter()
    for language in ("en", "es"):
        model_for(language)
    train_seconds = time.perf_counter() - started
    # As a server does once trained: the labelled texts' encodings are let go, so each text
    # below is encoded as a client's would be, not found among them.
    meaning.forget()
    texts = [(text, language) for language in ("en", "es") for _, text in corpus(language)]
    rng = random.Random(0)
    _timings(texts, screen)  # warm-up: lemma caches, language models
    order = [item for _ in range(ROUNDS) for item in rng.sample(texts, len(texts))]
    both = _timings(order, screen)
    rules = _timings(order, lambda text, language: screen_with(text, language, lambda _: None))
    p95 = _percentile(both, 0.95)
    rules_p95 = _percentile(rules, 0.95)
    print(
        json.dumps(
            {
                "bench": "screening",
                "texts": len(texts),
                "train_seconds": round(train_seconds, 2),
                "p50_ms": round(_percentile(both, 0.50), 3),
                "p95_ms": round(p95, 3),
                "p99_ms": round(_percentile(both, 0.99), 3),
                "max_ms": round(max(both), 3),
                "rules_p95_ms": round(rules_p95, 3),
                "ratio": round(p95 / rules_p95, 2),
            }
        )
    )
