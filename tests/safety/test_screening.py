"""The safety screen's behaviour: idioms, negation, other people's words, past and now,
languages, and the words it names. How well it does on labelled text as a whole (the corpus,
cross-validated, and the fresh rounds) is measured in test_generalising.py.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from tend.safety import rules
from tend.safety.languages import detect
from tend.safety.lexicon import code_of, compile_patterns, loaded, parse
from tend.safety.model import corpus
from tend.safety.screening import Screening, screen

# The rules read each of these cases as the tests say. The whole screen does too, except
# here: the model's own reading, higher than the rules', of wording it leans on wrongly
# (README.md, "Known gaps"). A case the model gets right again fails this test, to be moved
# out of the list.
MODEL_MISREADS = {
    ("I quit today, not coming back", "en"): "concern",
    ("estoy en la azotea tomando el sol", "es"): "urgent",
    # On a bridge, a denial of jumping: the rules say concern, the model urgent.
    ("I'm on the bridge but I'm not going to jump", "en"): "urgent",
    ("estoy en el puente pero no me voy a tirar", "es"): "urgent",
}
LOWER_MODEL_READS: dict[tuple[str, str], str] = {}


def read_as(text: str, language: str, level: str) -> None:
    """The rules read `text` at `level`, and so does the whole screen (bar known misreads)."""
    assert rules.read(text, loaded()[language]).level == level, "rules"
    expected = MODEL_MISREADS.get((text, language), level)
    assert screen(text, language).level == LOWER_MODEL_READS.get((text, language), expected)


@pytest.mark.parametrize("language", ["en", "es"])
def test_matches_are_the_writers_own_words(language: str) -> None:
    # Every eighth labelled text, about 880 a language: reading all of them took a minute
    # and a half, and what they test (the words named are the writer's) is not rare.
    for _, sentence in corpus(language)[::8]:
        result = screen(sentence, language)
        assert all(match in sentence for match in result.matches), sentence
        assert bool(result.matches) == (result.level != "none"), sentence


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("This job is killing me", "en"),
        ("I'm dying to see you", "en"),
        ("I could kill for a coffee", "en"),
        ("I could kill myself for forgetting her birthday", "en"),
        ("I cut myself shaving", "en"),
        ("I shot myself in the foot there", "en"),
        ("I nearly died of embarrassment", "en"),
        ("me muero de ganas de verte", "es"),
        ("me mata de risa", "es"),
        ("me quiero morir de la vergüenza", "es"),
        ("me voy a matar a estudiar", "es"),
        ("me corté el pelo", "es"),
    ],
)
def test_idioms_are_none(text: str, language: str) -> None:
    read_as(text, language, "none")


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        ("I don't want to die", "en", "none"),
        ("I'm not going to hurt myself", "en", "none"),
        ("no quiero morir", "es", "none"),
        ("no me quiero matar", "es", "none"),
        # A denial next to distress is concern.
        ("I'm not going to kill myself, but I'm really struggling", "en", "concern"),
        ("no me voy a matar, pero estoy muy mal", "es", "concern"),
        # Negation of another verb does not cancel the phrase.
        ("My sister doesn't know I want to die", "en", "urgent"),
        ("I can't stop thinking about killing myself", "en", "urgent"),
        ("no dejo de pensar en matarme", "es", "urgent"),
        ("no sé para qué sigo aquí", "es", "concern"),
    ],
)
def test_negation(text: str, language: str, level: str) -> None:
    read_as(text, language, level)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("she said 'I want to die'", "none"),
        ("She said “I want to die.”", "none"),
        ('"I want to die," she said.', "none"),
        ('The song goes "I want to die in your arms"', "none"),
        ("my friend said she wanted to die and I stayed with her", "none"),
        # The client quoting themselves still counts.
        ("I told him 'I want to die'", "urgent"),
        ('I wrote "I want to die" in my journal', "urgent"),
        # A phrase about the client ("without me") is theirs whoever else is named.
        ("they would all be better off without me", "concern"),
    ],
)
def test_quotes_and_reported_speech(text: str, level: str) -> None:
    read_as(text, "en", level)


def test_quotes_in_spanish() -> None:
    assert screen('la canción dice "quiero morir en tus brazos"', "es").level == "none"
    assert screen("mi amiga dijo que quería morir", "es").level == "none"
    assert screen('escribí "me quiero morir" en mi diario', "es").level == "urgent"


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        ("last year I tried to kill myself", "en", "concern"),
        ("I tried to kill myself last night", "en", "urgent"),
        ("I tried to kill myself", "en", "urgent"),  # undated: the safer reading
        ("I used to cut myself", "en", "concern"),
        ("When I was a teenager I tried to kill myself and it came up today", "en", "concern"),
        ("el año pasado intenté suicidarme", "es", "concern"),
        ("anoche intenté matarme", "es", "urgent"),
        ("antes me cortaba", "es", "concern"),
        ("me acabo de cortar", "es", "urgent"),
    ],
)
def test_past_and_just_now(text: str, language: str, level: str) -> None:
    read_as(text, language, level)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("i want to kil myself", "en"),
        ("kms", "en"),
        ("im suicidial", "en"),
        ("I WANT TO DIEEEE", "en"),
        ("i wanna kill my self", "en"),
        ("kiero matarme", "es"),
        ("quiero matarme", "es"),
        ("me qiero morir", "es"),
        ("pienso en el suisidio", "es"),
        ("no kiero vivir", "es"),
        ("Quiero MORÍRME!!!", "es"),
    ],
)
def test_misspellings_and_chat_spelling(text: str, language: str) -> None:
    assert screen(text, language).level == "urgent"


def test_matches_hold_the_deciding_phrase() -> None:
    result = screen("Honestly I want to kill myself tonight.", "en")
    assert result == Screening("urgent", ("want to kill myself",))
    assert screen("Everyone would be better off without me", "en").matches == (
        "better off without me",
    )
    assert screen("kiero matarme", "es").matches == ("kiero matarme",)


def test_plan_turns_concern_into_urgent() -> None:
    result = screen("I'm a burden to everyone and I have a plan.", "en")
    assert result.level == "urgent"
    assert "have a plan" in result.matches


def test_thoughts_beside_a_denial_are_concern() -> None:
    assert screen("I'd never act on it, but I think about killing myself", "en").level == "concern"
    assert screen("nunca lo haría, pero pienso en quitarme la vida", "es").level == "concern"


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        # Somewhere one could jump from, plus not coming back or a concern phrase: urgent.
        ("writing this from the bridge, I don't think I'm coming back", "en", "urgent"),
        ("I'm on the roof and I can't go on", "en", "urgent"),
        ("estoy en el puente, no pienso volver", "es", "urgent"),
        ("estoy en la azotea y ya no puedo más", "es", "urgent"),
        # Beside a denial it is distress.
        ("I'm on the bridge but I'm not going to jump", "en", "concern"),
        ("estoy en el puente pero no me voy a tirar", "es", "concern"),
        # Alone, or with "not coming back" somewhere else, it is nothing.
        ("I'm on the bridge, the view is lovely", "en", "none"),
        ("I quit today, not coming back", "en", "none"),
        ("estoy en la azotea tomando el sol", "es", "none"),
        ("no pienso volver a ese trabajo", "es", "none"),
    ],
)
def test_where_the_writer_is(text: str, language: str, level: str) -> None:
    read_as(text, language, level)


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        ("my sister had suicidal thoughts and I'm glad she asked for help", "en", "none"),
        ("mi hermana tuvo pensamientos suicidas y me alegra que pidiera ayuda", "es", "none"),
        ("me preocupa mi hermano, habla de acabar con todo", "es", "none"),
        ("mi madre quería morir", "es", "none"),
        # A verb that can only be "I" keeps the phrase the writer's own.
        ("mi hermana no sabe que tengo ideas suicidas", "es", "urgent"),
        ("desde que murió mi hijo quiero morirme", "es", "urgent"),
        ("esto me tiene pensando en suicidarme", "es", "urgent"),
        # "sin" negates only what follows it directly.
        ("sin mi hijo me quiero morir", "es", "urgent"),
    ],
)
def test_someone_elses_experience(text: str, language: str, level: str) -> None:
    read_as(text, language, level)


def test_empty_text_is_none() -> None:
    assert screen("", "en") == Screening("none")
    assert screen("  \n ", "es") == Screening("none")


def test_screening_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        screen("hello", "en").level = "urgent"  # type: ignore[misc]


def test_very_long_text() -> None:
    ordinary = "I felt tired after the session and cried a bit, then slept. " * 1600  # 96 kB
    assert screen(ordinary, "en").level == "none"
    result = screen(ordinary + " I want to kill myself.", "en")
    assert result == Screening("urgent", ("want to kill myself",))


def test_pathological_repetition_stays_fast() -> None:
    # Thousands of overlapping hits once made this quadratic; the bound is deliberately loose.
    started = time.perf_counter()
    result = screen("i want to die " * 7200, "xx")
    assert result.level == "urgent"
    assert time.perf_counter() - started < 5


def test_each_sentence_is_read_in_its_own_language() -> None:
    assert screen("quiero matarme", "de").level == "urgent"
    assert screen("I want to die", "").level == "urgent"
    assert screen("quiero matarme", "en").level == "urgent"
    mixed = screen("Hoy fue un buen día en la sesión. But tonight I want to end it all.", "es")
    assert mixed == Screening("urgent", ("want to end it all",))
    both = "Me siento tranquila. I feel calm and rested after the session."
    assert screen(both, "es").level == "none"


def test_a_sentence_told_as_another_language_is_read_in_the_clients_too() -> None:
    # lingua reads this informal English as Spanish; read in Spanish alone, it was none.
    assert detect("im sucidal rn", ["en", "es"]) == "es"
    assert screen("im sucidal rn", "en") == Screening("urgent", ("sucidal",))
    assert screen("hoy estuve tranquila. me siento bien", "en").level == "none"


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        # A pronoun joined to the verb ("cortándome") is still the writer's act.
        ("llevo toda la semana cortándome, hoy también", "es", "urgent"),
        ("sigo lastimándome los brazos", "es", "urgent"),
        ("estoy cortándome el pelo yo misma", "es", "none"),
        # A handful of pills is a dose, not an overdose.
        ("took 2 paracetamol for my headache", "en", "none"),
        ("took 30 paracetamol", "en", "urgent"),
        ("me tomé 2 ibuprofenos para la cabeza", "es", "none"),
        ("me acabo de tomar 25 ibuprofenos", "es", "urgent"),
        # Taken as prescribed, unless the writer says it was not.
        ("took all my evening meds as the doctor said and slept", "en", "none"),
        ("me tomé el frasco de jarabe para la tos como dijo el médico", "es", "none"),
        ("me las tomé todas, no como dijo el médico", "es", "urgent"),
        # A bare goodbye is a farewell; a goodbye with its reason is not.
        ("goodbye everyone", "en", "urgent"),
        ("see you all in the next life", "en", "urgent"),
        ("chao a todos", "es", "urgent"),
        ("nos vemos en la otra vida", "es", "urgent"),
        ("this is my last check-in because we finished our sessions, thank you!", "en", "none"),
        (
            "Este es mi último check-in porque hoy terminé la terapia. ¡Gracias por todo!",
            "es",
            "none",
        ),
        # Said in other words.
        ("mate i'm cooked, gonna top myself", "en", "urgent"),
        ("topping myself up with coffee before the shift", "en", "none"),
        ("relapsed on sh today", "en", "urgent"),
        ("mañana a primera hora me tiro al metro", "es", "urgent"),
        ("me voy a dormir pa siempre", "es", "urgent"),
    ],
)
def test_wording_found_in_fresh_rounds(text: str, language: str, level: str) -> None:
    assert screen(text, language).level == level


def test_language_codes_are_forgiving() -> None:
    assert code_of("es-MX") == "es"
    assert code_of(" EN_gb") == "en"
    assert screen("quiero morirme, de verdad", "ES_mx").level == "urgent"


def test_a_language_is_data() -> None:
    lexicon = parse(
        "xx",
        {
            "macros": {"me": ["myself", "meself"]},
            "urgent": {"intent": ["zap {me}"]},
            "cues": {"negation": ["nope"]},
        },
    )
    pattern = next(pattern for _, kind, pattern in lexicon.risks if kind == "intent")
    assert pattern.search("i will zap meself")
    assert not pattern.search("zapper myself")


def test_patterns_without_apostrophes() -> None:
    with pytest.raises(ValueError, match="apostrophes"):
        compile_patterns(["don't"], {})
    with pytest.raises(ValueError, match="unknown macro"):
        compile_patterns(["{nope}"], {})
