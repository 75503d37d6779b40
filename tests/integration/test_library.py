"""Tend's own practices: enough of each kind, complete in every language, checked on load,
and in the database after every migration."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.conf import settings

from tend.integration import library
from tend.integration.models import Exercise, Kind

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "body",
    "minutes": 2,
    "intensities": ["intense"],
    "modalities": [],
    "en": {"title": "Feet down", "summary": "Feel the floor.", "steps": ["Stand.", "Feel."]},
    "es": {"title": "Pies abajo", "summary": "Siente el suelo.", "steps": ["De pie.", "Siente."]},
}


def test_at_least_24_practices_ship_at_least_three_of_each_kind() -> None:
    shipped = library.builtins()
    kinds = Counter(p["kind"] for p in shipped.values())
    assert len(shipped) >= 24
    assert set(kinds) == set(Kind.values)
    assert min(kinds.values()) >= 3


def test_every_practice_speaks_every_language_with_its_own_words() -> None:
    for key, practice in library.builtins().items():
        english, spanish = practice["text"]["en"], practice["text"]["es"]
        assert set(practice["text"]) == {code for code, _ in settings.LANGUAGES}
        assert english["title"] != spanish["title"], key
        assert len(english["steps"]) == len(spanish["steps"]), key
        if practice["kind"] in ("reflect", "ripples"):
            assert english["prompts"] and len(english["prompts"]) == len(spanish["prompts"]), key


def test_every_pause_ends_by_asking_what_one_needs_right_now() -> None:
    pauses = [p for p in library.builtins().values() if p["kind"] == "pause"]
    assert pauses
    for pause in pauses:
        assert "need right now" in pause["text"]["en"]["steps"][-1]
        assert "necesito ahora mismo" in pause["text"]["es"]["steps"][-1]


def test_the_database_holds_every_shipped_practice_after_migrating() -> None:
    stored = {e.key: e for e in Exercise.objects.filter(practice=None, retired=False)}
    assert set(stored) == set(library.builtins())
    sample = stored["hand-on-heart"]
    assert sample.kind == "body"
    assert sample.words("es")["title"] == library.builtins()["hand-on-heart"]["text"]["es"]["title"]


def test_a_practice_no_longer_shipped_is_kept_but_retired() -> None:
    Exercise.objects.create(key="an-old-one", kind="rest", intensities=["gentle"], text={})
    library.sync()
    assert Exercise.objects.get(key="an-old-one").retired
    assert "an-old-one" not in {e.key for e in library.visible(practice_id=0)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "yoga"}, "kind must be one of"),
        ({"minutes": 0}, "minutes must be a whole number"),
        ({"intensities": []}, "intensities must be some of"),
        ({"modalities": ["surfing"]}, "modalities must be some of"),
        ({"es": None}, "no words in language 'es'"),
        ({"en": {**GOOD["en"], "title": ""}}, "[en] title must be"),
        ({"en": {**GOOD["en"], "steps": []}}, "[en] needs 1 to 7 steps"),
        ({"es": {**GOOD["es"], "steps": ["Uno."]}}, "same number of steps"),
    ],
)
def test_a_malformed_practice_is_refused_with_a_message_naming_the_problem(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(library.BadPractice, match=re.escape(message)) as refused:
        library.check({**GOOD, **change}, "mine.toml")
    assert str(refused.value).startswith("mine.toml: ")


def test_a_good_practice_is_accepted_as_written() -> None:
    checked = library.check(GOOD, "mine.toml")
    assert checked["text"]["es"]["steps"] == ["De pie.", "Siente."]
