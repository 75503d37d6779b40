"""Scoring the built-in measures: every band boundary, reverse scoring, critical items,
reliable change, and answers or definitions that don't fit, refused with the reason."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest

from tend.assessments import scoring
from tend.assessments.scoring import BadAnswers, BadDefinition, parse, reliable_change, score


def answers_for(total: int, items: int, top: int) -> list[int]:
    """Answers (each 0..top) adding up to `total`, highest first."""
    out = []
    for _ in range(items):
        value = min(top, total)
        out.append(value)
        total -= value
    assert total == 0
    return out


PHQ9 = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately_severe"), (19, "moderately_severe"),
    (20, "severe"), (27, "severe"),
]  # fmt: skip
GAD7 = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "severe"), (21, "severe"),
]  # fmt: skip
WHO5 = [  # raw total, percentage, band on the percentage
    (0, 0, "likely_depression"), (7, 28, "likely_depression"), (8, 32, "poor"),
    (12, 48, "poor"), (13, 52, "good"), (25, 100, "good"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), PHQ9)
def test_phq9_bands(total: int, band: str) -> None:
    # Item 9 answered 0 throughout, so no flag muddies the band.
    answers = [*answers_for(total, 8, 3), 0] if total <= 24 else [3] * 9
    result = score("phq9", answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), GAD7)
def test_gad7_bands(total: int, band: str) -> None:
    result = score("gad7", answers_for(total, 7, 3))
    assert (result.total, result.band, result.flags) == (total, band, ())


@pytest.mark.parametrize(("raw", "percent", "band"), WHO5)
def test_who5_bands_are_on_the_percentage(raw: int, percent: int, band: str) -> None:
    result = score("who5", answers_for(raw, 5, 5))
    assert (result.total, result.percent, result.band) == (raw, percent, band)


def test_any_answer_above_zero_on_phq9_item_9_is_flagged() -> None:
    for value in (1, 2, 3):
        assert score("phq9", [0] * 8 + [value]).flags == ("9",)
    assert score("phq9", [3] * 8 + [0]).flags == ()


def test_every_built_in_measure_speaks_english_and_spanish_with_its_attribution() -> None:
    for slug in ("phq9", "gad7", "who5"):
        definition = scoring.builtins()[slug]
        assert set(definition.languages) == {"en", "es"}
        assert definition.attribution and definition.attribution["es"]
        assert definition.reliability is not None
    assert [len(scoring.builtins()[s].items) for s in ("phq9", "gad7", "who5")] == [9, 7, 5]


SMALL = {
    "slug": "mood3",
    "en": {"title": "Three questions", "instructions": "In the last week:"},
    "options": [{"value": 0, "en": "No"}, {"value": 1, "en": "Some"}, {"value": 2, "en": "Yes"}],
    "items": [
        {"key": "a", "en": "I felt calm"},
        {"key": "b", "en": "I felt tense", "reverse": True},
        {"key": "c", "en": "I slept", "critical": True},
    ],
    "bands": [
        {"key": "low", "min": 0, "max": 2, "en": "Low"},
        {"key": "high", "min": 3, "max": 6, "en": "High"},
    ],
}


def test_a_reverse_scored_item_counts_from_the_other_end() -> None:
    definition = parse(SMALL, "mood3")
    # a=2, b answered 0 counts as 2, c=0: total 4.
    assert score("mood3", [2, 0, 0], definition).total == 4
    assert score("mood3", [2, 2, 0], definition).total == 2
    assert score("mood3", [0, 2, 0], definition).band == "low"
    assert score("mood3", [0, 0, 1], definition).flags == ("c",)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([0] * 8, "phq9 has 9 items; 8 answers were given"),
        ([0] * 10, "phq9 has 9 items; 10 answers were given"),
        ([0, 0, 4, 0, 0, 0, 0, 0, 0], "item 3: 4 is not one of 0, 1, 2, 3"),
        ([0, 0, 0, 0, 0, 0, 0, 0, None], "item 9: None is not one of 0, 1, 2, 3"),
        ([0, 0, True, 0, 0, 0, 0, 0, 0], "item 3: True is not one of 0, 1, 2, 3"),
        ([0, "1", 0, 0, 0, 0, 0, 0, 0], "item 2: '1' is not one of 0, 1, 2, 3"),
    ],
)
def test_missing_or_out_of_range_answers_are_refused_with_the_reason(
    answers: list[object], message: str
) -> None:
    with pytest.raises(BadAnswers, match=re.escape(message)):
        score("phq9", answers)  # type: ignore[arg-type]


def test_an_unknown_questionnaire_is_named_in_the_error() -> None:
    with pytest.raises(BadAnswers, match="there is no questionnaire 'phq8'"):
        score("phq8", [0] * 8)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "has space"}, "slug must be letters and digits"),
        ({"en": {"title": "T"}}, "[en] instructions is missing"),
        ({"options": [{"value": 0, "en": "No"}]}, "needs at least two answer options"),
        ({"options": [{"value": 0, "en": "No"}, {"value": 0, "en": "Yes"}]}, "same value"),
        ({"items": []}, "needs at least one item"),
        ({"items": [{"key": "a", "en": ""}]}, "item a has no words in 'en'"),
        (
            {"items": [{"key": "a", "en": "x", "reverse": "yes"}]},
            "item 1 reverse must be true or false",
        ),
        ({"bands": []}, "needs at least one band"),
        (
            {
                "bands": [
                    {"key": "low", "min": 0, "max": 2, "en": "L"},
                    {"key": "high", "min": 4, "max": 6, "en": "H"},
                ]
            },
            "a score between bands low and high has no band",
        ),
        (
            {
                "bands": [
                    {"key": "low", "min": 0, "max": 3, "en": "L"},
                    {"key": "high", "min": 3, "max": 6, "en": "H"},
                ]
            },
            "bands low and high overlap",
        ),
        ({"bands": [{"key": "low", "min": 0, "max": 5, "en": "L"}]}, "below the highest score 6"),
        ({"scoring": "average"}, "scoring must be one of sum, scaled"),
        ({"reliability": 1.2}, "reliability must be a number between 0 and 1"),
    ],
)
def test_a_malformed_definition_is_refused_with_a_message_naming_the_problem(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(BadDefinition, match=re.escape(message)) as refused:
        parse({**SMALL, **change}, "mine")
    assert str(refused.value).startswith("mine: ")


def test_a_definition_missing_a_language_tend_speaks_is_refused() -> None:
    with pytest.raises(BadDefinition, match=re.escape("no words in language 'es'")):
        parse(SMALL, "mine", languages=("en", "es"))


def test_reliable_change_by_jacobson_and_truax() -> None:
    # SD 5, reliability 0.84: SE = 5 * 0.4 = 2; S_diff = 2 * sqrt(2) = 2.83; 1.96 * 2.83 = 5.54.
    assert math.isclose(reliable_change(15, 9, 5, 0.84).index, -6 / (2 * math.sqrt(2)))
    assert reliable_change(15, 9, 5, 0.84).reliable
    assert not reliable_change(15, 10, 5, 0.84).reliable  # 5 points is within the noise
    with pytest.raises(ValueError, match="reliability"):
        reliable_change(1, 2, 5, 1.0)


def test_the_scoring_module_needs_no_django() -> None:
    code = (
        "import sys; from tend.assessments.scoring import score; "
        "print(score('gad7', [1] * 7).band); "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["mild", "False"]


def ladder_answers(points: float) -> list[int]:
    """Answers to the ladder quiz that give `points` (0..100, steps of 2.5): each item
    answered so that it counts what is needed, reverse items from the other end."""
    definition = scoring.builtins()["ladder"]
    counted = answers_for(round(points / definition.scale), len(definition.items), 4)
    return [4 - c if item.reverse else c for item, c in zip(definition.items, counted, strict=True)]


@pytest.mark.parametrize(
    ("points", "rung"),
    [
        (0, "conker"), (37.5, "conker"), (40, "washing_ball"), (70, "washing_ball"),
        (72.5, "bouncy_ball"), (100, "bouncy_ball"),
    ],
)  # fmt: skip
def test_the_ladder_quiz_gives_a_point_and_its_rung(points: float, rung: str) -> None:
    result = score("ladder", ladder_answers(points))
    assert (result.scaled, result.band) == (points, rung)


def test_the_ladder_has_the_three_rungs_in_order_with_words_for_client_and_practitioner() -> None:
    ladder = scoring.builtins()["ladder"]
    assert [b.key for b in ladder.bands] == ["conker", "washing_ball", "bouncy_ball"]
    assert [b.text["en"] for b in ladder.bands] == ["Conker", "Washing Ball", "Bouncy Ball"]
    for band in ladder.bands:
        assert band.about and band.about["es"] and band.approach and band.approach["en"]
    reversed_items = sum(item.reverse for item in ladder.items)
    assert len(ladder.items) == 10 and 4 <= reversed_items <= 6
    # Agreeing with everything is not the top: half the statements say "earlier on".
    assert score("ladder", [4] * 10).band == "washing_ball"


@pytest.mark.parametrize(("slug", "threshold"), [("phq9", 6), ("gad7", 4), ("who5", 10)])
def test_each_measures_reliable_change_is_its_published_criterion(
    slug: str, threshold: int
) -> None:
    d = scoring.builtins()[slug]
    assert d.sd is not None and d.reliability is not None
    assert reliable_change(20, 20 - threshold - 0.01, d.sd, d.reliability).reliable
    assert not reliable_change(20, 20 - threshold + 1, d.sd, d.reliability).reliable
