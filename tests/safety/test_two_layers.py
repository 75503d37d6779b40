"""The parts of the two-layer screen: languages per sentence, concepts through lemmas, the
rules' floor, and the model's training and reasons."""

from __future__ import annotations

import numpy as np
import pytest

from tend.safety import rules
from tend.safety.languages import Segment, segments, sentences
from tend.safety.lexicon import loaded, parse
from tend.safety.model import corpus, model_for, train
from tend.safety.screening import screen


def floor(text: str, language: str) -> str:
    return rules.analyse(text, loaded()[language]).floor.level


# Languages


def test_sentences_keep_closing_quotes_and_emoji_with_their_sentence() -> None:
    assert sentences('She said "I want to die." ok. 😭') == ['She said "I want to die."', " ok. 😭"]
    assert sentences("") == []


def test_each_run_of_sentences_gets_its_language() -> None:
    text = "Hoy fue un día tranquilo con mi hermana. But tonight I feel like giving up. ok"
    found = [(segment.language, segment.text.strip()) for segment in segments(text, ("en", "es"))]
    assert found == [
        ("es", "Hoy fue un día tranquilo con mi hermana."),
        ("en", "But tonight I feel like giving up. ok"),  # joined to the sentence before
        (None, "ok"),  # and, too short to tell, read in every language as well
    ]


def test_a_short_sentence_belongs_to_the_message_around_it() -> None:
    found = [
        (segment.language, segment.text.strip())
        for segment in segments(
            "ok. kms. Hoy cerré todas mis cuentas y regalé la guitarra. ya está", ("en", "es")
        )
    ]
    assert found == [
        ("es", "ok. kms. Hoy cerré todas mis cuentas y regalé la guitarra. ya está"),
        (None, "ok. kms."),
        (None, "ya está"),
    ]
    assert segments("ok. kms", ("en", "es")) == [Segment(None, "ok. kms")]


def test_a_phrase_in_another_language_is_read_in_that_language() -> None:
    assert screen("La sesión fue bien, gracias. I'm going to kill myself tonight.", "es").level == (
        "urgent"
    )
    assert screen("Good session today. Ya no quiero vivir, de verdad.", "en").level != "none"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "I felt tired after the session and cried a bit, then slept. I want to kill myself.",
            "en",
        ),
        ("Hoy lloré un poco después de la sesión y luego dormí. Quiero matarme.", "es"),
    ],
)
def test_a_sentence_the_rules_flag_is_not_thinned_out_by_a_calm_one(
    text: str, language: str
) -> None:
    assert screen(text, language).level == "urgent"


# The rules' floor


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I've been saving my pills for weeks and I'm so tired of everything", "en"),
        ("put all my passwords in an envelope for my sister, so tired of everything", "en"),
        ("llevo semanas juntando las pastillas y ya no puedo con esto", "es"),
        ("escribí cartas de despedida para mis hijos y estoy agotada", "es"),
    ],
)
def test_a_means_made_ready_or_a_farewell_beside_distress_is_urgent(
    text: str, language: str
) -> None:
    assert floor(text, language) == "urgent"
    assert screen(text, language).level == "urgent"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I bought a new knife for the kitchen and feel great", "en"),
        ("Therapist suggested writing a goodbye letter to my old job. Felt ceremonial.", "en"),
        ("me tomé las pastillas con el desayuno, como siempre", "es"),
    ],
)
def test_the_same_words_without_distress_set_no_floor(text: str, language: str) -> None:
    assert floor(text, language) == "none"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my suicidal thoughts came back", "en"),
        ("I've been self harming again", "en"),
        ("tengo ideas suicidas", "es"),
        ("pensé en suicidarme", "es"),
    ],
)
def test_suicide_named_by_the_writer_is_never_none(text: str, language: str) -> None:
    assert floor(text, language) in ("concern", "urgent")
    assert screen(text, language).level != "none"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("My dad died by suicide when I was twelve.", "en"),
        ("I'm doing suicide prevention training at work", "en"),
        ("I read a book about suicide", "en"),
        ("I am not suicidal", "en"),
        ("una paciente me habló de la sobredosis de su hija", "es"),
        ("voluntaria en la línea de prevención del suicidio", "es"),
    ],
)
def test_suicide_named_as_someone_elses_or_a_subject_sets_no_floor(
    text: str, language: str
) -> None:
    assert floor(text, language) == "none"


# The model


def test_training_is_deterministic() -> None:
    rows = corpus("es")[:600]
    first, second = train(rows, "es"), train(rows, "es")
    assert first.columns == second.columns
    assert np.array_equal(first.risk[0], second.risk[0])
    assert first.urgent[1] == second.urgent[1]


def test_the_model_names_the_words_it_leaned_on() -> None:
    # No rule knows this wording; the model's reason is the writer's own words.
    text = "gonna unalive myself after the kids are asleep"
    result = screen(text, "en")
    assert result.level == "urgent"
    assert result.matches and all(match in text for match in result.matches)


def test_function_words_alone_never_raise_a_text() -> None:
    model = model_for("en")
    assert model is not None
    analysis = rules.analyse("I don't", loaded()["en"])
    assert model.read(analysis).level == "none"
    assert screen("I don't want to die", "en").level == "none"


def test_a_languages_thresholds_are_data() -> None:
    assert loaded()["en"].thresholds is not None
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse("xx", {"model": {"risk_threshold": 1.5, "urgent_threshold": 0.8}})
    assert parse("xx", {}).thresholds is None
