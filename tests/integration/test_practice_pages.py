"""A client opens a practice, does it, and says so; a practice from an email opens with no
sign-in; the pause's pacer needs no JavaScript and rests for reduced motion."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from tend.integration import links
from tend.integration.models import Exercise, ExerciseDone
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db
CSS = Path(settings.BASE_DIR) / "static" / "tend" / "tend.css"


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def builtin(key: str) -> Exercise:
    return Exercise.objects.get(practice=None, key=key)


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def test_a_client_does_a_practice_and_it_is_kept_once(as_carmen: HttpClient, carmen: Any) -> None:
    exercise = builtin("hand-on-heart")
    page = visible(as_carmen.get(f"/c/practices/{exercise.pk}/"))
    assert exercise.words("es")["title"] in page
    assert exercise.words("es")["steps"][0] in page

    first = as_carmen.post(f"/c/practices/{exercise.pk}/done/")
    again = as_carmen.post(f"/c/practices/{exercise.pk}/done/")  # a double tap

    assert first.status_code == again.status_code == 302
    assert list(ExerciseDone.objects.values_list("client", "exercise")) == [
        (carmen.pk, exercise.pk)
    ]
    assert "Anotado. Gracias por darte este tiempo." in visible(as_carmen.get(first["Location"]))


def test_the_pause_has_a_pacer_made_of_css_that_rests_for_reduced_motion(
    as_carmen: HttpClient,
) -> None:
    pause = Exercise.objects.filter(kind="pause").first()
    assert pause is not None
    page = as_carmen.get(f"/c/practices/{pause.pk}/").content.decode()
    assert 'class="pacer-circle"' in page
    assert "<script" not in page
    assert "necesito ahora mismo" in html.unescape(page)
    css = CSS.read_text()
    reduced = css.split("@media (prefers-reduced-motion: reduce)", 1)[1]
    assert ".pacer-circle { animation: none" in reduced
    assert "animation: pacer 10s" in css


def test_basics_are_a_checklist_that_counts_nothing(as_carmen: HttpClient) -> None:
    basics = Exercise.objects.filter(kind="basics").first()
    assert basics is not None
    page = as_carmen.get(f"/c/practices/{basics.pk}/").content.decode()
    assert page.count('type="checkbox"') == len(basics.words("es")["steps"])
    assert "Nada de esto se guarda ni se cuenta" in html.unescape(page)


def test_a_practice_from_an_email_opens_without_signing_in_and_can_be_done(carmen: Any) -> None:
    exercise = builtin("feet-on-the-floor")
    url = path_of(links.practice_url(carmen.pk, exercise.pk))
    phone = HttpClient()

    page = phone.get(url)
    assert page.status_code == 200
    assert page["Content-Language"] == "es"
    assert exercise.words("es")["title"] in visible(page)
    done = phone.post(url)

    assert done.status_code == 302
    assert ExerciseDone.objects.filter(client=carmen, exercise=exercise).count() == 1


def test_an_altered_link_opens_nothing_and_says_what_to_do(carmen: Any) -> None:
    exercise = builtin("feet-on-the-floor")
    url = path_of(links.practice_url(carmen.pk, exercise.pk))
    altered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    phone = HttpClient()

    for response in (phone.get(altered), phone.post(altered), phone.get("/p/nonsense/")):
        assert response.status_code == 404
        assert "Sign in" in visible(response)
    assert ExerciseDone.objects.count() == 0


def test_a_practices_own_practice_is_seen_only_by_its_own_clients(
    alice: Any, bob: Any, carmen: Any
) -> None:
    own = Exercise.objects.create(
        practice=bob.practice,
        key="bobs-walk",
        kind="rest",
        intensities=["gentle"],
        text={"en": {"title": "Bob's walk", "summary": "A walk.", "steps": ["Walk."]}},
    )
    bobs_client = factories.ClientFactory(practitioner=bob)

    assert signed_in_as(bobs_client).get(f"/c/practices/{own.pk}/").status_code == 200
    assert "Bob's walk" in visible(signed_in_as(bobs_client).get("/c/practices/"))
    as_carmen = signed_in_as(carmen)
    assert as_carmen.get(f"/c/practices/{own.pk}/").status_code == 404
    assert as_carmen.post(f"/c/practices/{own.pk}/done/").status_code == 404
    assert "Bob's walk" not in visible(as_carmen.get("/c/practices/"))
    # Nor through a link made for someone else's practice.
    assert HttpClient().get(path_of(links.practice_url(carmen.pk, own.pk))).status_code == 404
    assert ExerciseDone.objects.count() == 0


def test_practices_need_a_signed_in_client() -> None:
    response = HttpClient().get("/c/practices/")
    assert response.status_code == 302
    assert response["Location"] == "/c/signin/"
