"""A practice writes its own questionnaire; a malformed one is refused with a message naming
the problem, and nothing is saved."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from tend.assessments import links
from tend.assessments.forms import EXAMPLE
from tend.assessments.models import Administration, Questionnaire
from tests import factories

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def as_admin(alice: Any) -> HttpClient:
    admin = factories.PractitionerFactory(practice=alice.practice, role="admin", name="Ada")
    http = HttpClient()
    http.force_login(admin)
    return http


def test_an_admin_writes_one_and_a_client_answers_it(
    as_admin: HttpClient, as_alice: HttpClient, dana: Any
) -> None:
    form = as_admin.get("/questionnaires/new/")
    assert "slug = &quot;sleep3&quot;" in form.content.decode()  # starts from the example

    response = as_admin.post("/questionnaires/new/", {"text": EXAMPLE})

    assert response.status_code == 302
    assert list(Questionnaire.objects.values_list("slug", flat=True)) == ["sleep3"]
    listing = visible(as_alice.get("/questionnaires/"))
    assert "Three questions about sleep Your practice's 3 settled, unsettled" in listing
    as_alice.post(f"/questionnaires/send/{dana.pk}/", {"slug": "sleep3"})
    asked = Administration.objects.get(slug="sleep3")
    url = links.answer_url(asked.pk).removeprefix(settings.SITE_URL)
    # "I woke up rested" is reverse-scored: answering 0 there counts 2.
    HttpClient().post(url, {"item_1": "1", "item_2": "0", "item_3": "0"})
    asked.refresh_from_db()
    assert (asked.total, asked.band) == (3, "unsettled")
    assert "Three questions about sleep 3 Unsettled" in visible(
        as_alice.get(f"/clients/{dana.pk}/")
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug = 'x'\n[en\ntitle = 1", "this isn't valid TOML"),
        (EXAMPLE.replace("min = 3\nmax = 6", "min = 4\nmax = 6"), "no band"),
        (EXAMPLE.replace('en = "Some nights"', 'en = ""'), "option 2 has no words in 'en'"),
        (EXAMPLE.replace('slug = "sleep3"', 'slug = "phq9"'), "“phq9” is one of Tend's own"),
        ("", "Write the questionnaire, or start from the example."),
    ],
)  # fmt: skip
def test_a_malformed_questionnaire_is_refused_with_the_problem_named(
    as_admin: HttpClient, text: str, message: str
) -> None:
    response = as_admin.post("/questionnaires/new/", {"text": text})
    assert response.status_code == 400
    assert message in visible(response)
    assert not Questionnaire.objects.exists()


def test_members_read_and_only_admins_write(as_alice: HttpClient) -> None:
    assert as_alice.get("/questionnaires/").status_code == 200
    assert as_alice.post("/questionnaires/new/", {"text": EXAMPLE}).status_code == 403
    assert not Questionnaire.objects.exists()


def test_a_slug_used_twice_in_one_practice_is_refused(as_admin: HttpClient) -> None:
    as_admin.post("/questionnaires/new/", {"text": EXAMPLE})
    response = as_admin.post("/questionnaires/new/", {"text": EXAMPLE})
    assert "Your practice already has a questionnaire called “sleep3”." in visible(response)
    assert Questionnaire.objects.count() == 1
