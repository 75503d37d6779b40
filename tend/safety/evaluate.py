"""How well the screen does on labelled text: the figures the README and the tests report.

- `figures(pairs)`: from (truth, screened) level pairs, recall and precision per level,
  any-risk recall (a risky text read as concern or urgent), and the false positives on
  safe text (a "none" text read as urgent, or read as anything but none).
- `cross_validate(rows, language)`: five folds over the corpus, stratified by level and
  shuffled with a fixed seed. Each fold's model is trained on the other four; the text is
  then read by the whole screen (rules and that model). The rules were written by people
  who had read the corpus, so `model_only` gives the statistical layer on its own too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sklearn.model_selection import StratifiedKFold

from tend.safety import meaning
from tend.safety.languages import sentences
from tend.safety.lexicon import loaded
from tend.safety.model import LEVELS, Model, model_for, train
from tend.safety.rules import analyse
from tend.safety.screening import screen_with

FOLDS = 5
SEED = 0


@dataclass(frozen=True)
class Figures:
    count: int
    recall: dict[str, float]
    precision: dict[str, float]
    any_recall: float  # risky texts (concern or urgent) read as concern or urgent
    urgent_fp: float  # safe texts read as urgent
    any_fp: float  # safe texts read as concern or urgent

    def table(self, title: str) -> str:
        lines = [f"{title} (n={self.count})", f"  {'level':8} {'recall':>7} {'precision':>9}"]
        lines += [
            f"  {level:8} {self.recall[level]:>7.2f} {self.precision[level]:>9.2f}"
            for level in reversed(LEVELS)
        ]
        lines.append(
            f"  any-risk recall {self.any_recall:.2f}, false positives on safe text:"
            f" urgent {self.urgent_fp:.2f}, any {self.any_fp:.2f}"
        )
        return "\n".join(lines)


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def figures(pairs: Sequence[tuple[str, str]]) -> Figures:
    """Figures for (true level, screened level) pairs."""
    recall, precision = {}, {}
    for level in LEVELS:
        hits = sum(1 for truth, got in pairs if truth == got == level)
        recall[level] = _share(hits, sum(1 for truth, _ in pairs if truth == level))
        precision[level] = _share(hits, sum(1 for _, got in pairs if got == level))
    risky = [got for truth, got in pairs if truth != "none"]
    safe = [got for truth, got in pairs if truth == "none"]
    return Figures(
        count=len(pairs),
        recall=recall,
        precision=precision,
        any_recall=_share(sum(1 for got in risky if got != "none"), len(risky)),
        urgent_fp=_share(sum(1 for got in safe if got == "urgent"), len(safe)),
        any_fp=_share(sum(1 for got in safe if got != "none"), len(safe)),
    )


def score(rows: Iterable[tuple[str, str]], language: str, model: Model) -> list[tuple[str, str]]:
    """(true level, screened level) for each row, read by the rules and `model` (a sentence
    in another language by that language's own model, as in use)."""
    return [
        (
            level,
            screen_with(
                text, language, lambda code: model if code == language else model_for(code)
            ).level,
        )
        for level, text in rows
    ]


def cross_validate(rows: Sequence[tuple[str, str]], language: str) -> tuple[Figures, Figures]:
    """(whole screen, model alone) figures over `FOLDS` folds of `rows`."""
    # Every sentence of every text, encoded once for all five folds (and kept between runs).
    meaning.encode([part for _, text in rows for part in sentences(text)])
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    levels = [level for level, _ in rows]
    whole: list[tuple[str, str]] = []
    alone: list[tuple[str, str]] = []
    for trained_on, tested_on in folds.split(rows, levels):
        model = train([rows[index] for index in trained_on], language)
        held = [rows[index] for index in tested_on]
        whole += score(held, language, model)
        alone += [
            (
                level,
                model.read(
                    analyse(text, loaded()[language]), model.neighbours.lean([text])[0]
                ).level,
            )
            for level, text in held
        ]
    return figures(whole), figures(alone)
