"""A practice writes its own practices, in the languages it works in, and chooses which go
with each aftercare plan; members read the library; Tend's own can't be changed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.care.models import AftercarePlan
from tend.integration.models import Exercise
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "rest",
    "minutes": "5",
    "intensities": ["moderate", "intense"],
    "title_en": "Lie on the floor",
    "summary_en": "Five minutes on your back, knees up, letting the floor hold you.",
    "steps_en": "Lie on your back.\n\nBend your knees.\nLet the floor take your weight.",
}


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def as_admin(alice: Any) -> HttpClient:
    admin = factories.PractitionerFactory(practice=alice.practice, role="admin", name="Ada")
    http = HttpClient()
    http.force_login(admin)
    return http


def test_an_admin_writes_a_practice_that_clients_find_in_their_language_or_the_nearest(
    as_admin: HttpClient, alice: Any, carmen: Any, dana: Any
) -> None:
    response = as_admin.post("/library/new/", FORM)

    assert response.status_code == 302
    own = Exercise.objects.get(practice=alice.practice)
    assert (own.key, own.kind, own.minutes) == ("lie-on-the-floor", "rest", 5)
    assert own.words("en")["steps"] == [
        "Lie on your back.",
        "Bend your knees.",
        "Let the floor take your weight.",
    ]
    library = visible(as_admin.get("/library/"))
    assert "Practice saved. Your clients can find it now." in library
    assert "Lie on the floor Your practice's" in library
    assert "Lie on the floor" in visible(signed_in_as(dana).get("/c/practices/"))
    # Written in English only: Carmen, who reads Spanish, gets the English words, not nothing.
    assert "Lie on the floor" in visible(signed_in_as(carmen).get(f"/c/practices/{own.pk}/"))


def test_a_practice_chosen_for_a_plan_is_the_one_offered_after_that_kind_of_session(
    as_admin: HttpClient, alice: Any, dana: Any
) -> None:
    as_admin.post("/library/new/", FORM)
    own = Exercise.objects.get(practice=alice.practice)
    response = as_admin.post(
        "/sessions/plans/new/",
        {"intensity": "intense", "modality": "", "hours_text": "3h, 1d", "exercises": [own.pk]},
    )
    assert response.status_code == 302
    assert list(AftercarePlan.objects.get().exercises.all()) == [own]
    factories.SessionFactory(client=dana, intensity="intense")

    home = visible(signed_in_as(dana).get("/c/"))
    assert "Practices for these days" in home
    assert "Lie on the floor" in home
    plans = visible(as_admin.get("/sessions/plans/"))
    assert "Practices offered: Lie on the floor" in plans


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"steps_en": ""},
            "In English, a practice needs a title, a sentence and at least one step.",
        ),
        (
            {"title_en": "", "summary_en": "", "steps_en": ""},
            "Write the practice in at least one language.",
        ),
        ({"intensities": []}, "Choose at least one intensity it suits."),
        ({"minutes": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"kind": "yoga"}, "Select a valid choice."),
        ({"steps_en": "\n".join(f"Step {n}." for n in range(9))}, "more than 7 steps"),
    ],
)
def test_a_malformed_practice_is_refused_with_the_reason_and_nothing_saved(
    as_admin: HttpClient, change: dict[str, Any], message: str
) -> None:
    response = as_admin.post("/library/new/", {**FORM, **change})
    assert response.status_code == 400
    assert message in visible(response)
    assert Exercise.objects.filter(practice__isnull=False).count() == 0


def test_editing_and_removing_keep_what_clients_did(
    as_admin: HttpClient, alice: Any, dana: Any
) -> None:
    as_admin.post("/library/new/", FORM)
    own = Exercise.objects.get(practice=alice.practice)
    signed_in_as(dana).post(f"/c/practices/{own.pk}/done/")

    as_admin.post(f"/library/{own.pk}/edit/", {**FORM, "title_en": "Floor time"})
    assert Exercise.objects.get(pk=own.pk).title("en") == "Floor time"
    as_admin.post(f"/library/{own.pk}/remove/")

    own.refresh_from_db()
    assert own.retired
    assert "Floor time" not in visible(signed_in_as(dana).get("/c/practices/"))
    assert signed_in_as(dana).get(f"/c/practices/{own.pk}/").status_code == 404
    assert own.pk in dana.exercises_done.values_list("exercise", flat=True)


def test_members_read_the_library_and_only_admins_write(
    as_alice: HttpClient, as_admin: HttpClient
) -> None:
    page = visible(as_alice.get("/library/"))
    assert "Practices library" in page
    assert "Write a practice" not in page
    assert as_alice.post("/library/new/", FORM).status_code == 403
    assert Exercise.objects.filter(practice__isnull=False).count() == 0


def test_tends_own_practices_cannot_be_edited_or_removed(as_admin: HttpClient) -> None:
    builtin = Exercise.objects.filter(practice=None).first()
    assert builtin is not None
    assert as_admin.get(f"/library/{builtin.pk}/edit/").status_code == 404
    assert as_admin.post(f"/library/{builtin.pk}/remove/").status_code == 404
    builtin.refresh_from_db()
    assert not builtin.retired
