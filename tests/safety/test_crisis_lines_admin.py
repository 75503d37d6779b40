"""/practice/crisis-lines/: a practice's admins add and remove their own crisis lines."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tend.clients.models import Client
from tend.practices.models import Practitioner
from tend.safety.models import CrisisLine
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

LINES = "/practice/crisis-lines/"
REMOVE = "/practice/crisis-lines/remove/"

GOOD = {
    "name": "Our after-hours line",
    "country": "ES",
    "phone": "+34 600 100 200",
    "text": "",
    "text_body": "",
    "website": "https://example.org/urgent",
    "hours": "Weekdays 18:00 to 22:00",
    "notes": "Leave a message; we call back within the hour.",
}


def text(response: Any) -> str:
    return response.content.decode().replace("&#x27;", "'")


def make_admin(*people: Practitioner) -> None:
    Practitioner.objects.filter(pk__in=[p.pk for p in people]).update(role=Practitioner.Role.ADMIN)


@pytest.fixture
def as_admin_alice(alice: Practitioner) -> HttpClient:
    make_admin(alice)
    alice.refresh_from_db()
    http = HttpClient()
    http.force_login(alice)
    return http


@pytest.fixture
def as_admin_bob(bob: Practitioner) -> HttpClient:
    make_admin(bob)
    bob.refresh_from_db()
    http = HttpClient()
    http.force_login(bob)
    return http


@pytest.fixture
def alices_line(alice: Practitioner) -> CrisisLine:
    return CrisisLine.objects.create(
        practice=alice.practice, name="Alice's line", phone="600 1 2 3"
    )


def rows() -> list[dict[str, Any]]:
    return list(CrisisLine.objects.order_by("pk").values())


def test_the_url_names() -> None:
    assert reverse("safety:crisis_lines") == LINES
    assert reverse("safety:crisis_line_remove") == REMOVE


def test_an_admin_adds_a_line_and_their_clients_see_it(
    as_admin_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    response = as_admin_alice.post(LINES, GOOD)

    assert response.status_code == 302
    [line] = CrisisLine.objects.all()
    assert line.practice_id == alice.practice_id
    assert line.phone == "+34 600 100 200"
    listed = text(as_admin_alice.get(LINES))
    assert "Our after-hours line" in listed
    assert "Added. Your clients will see it first." in listed
    help_page = text(signed_in_as(dana).get("/c/help/"))  # Dana is in Madrid
    assert "Our after-hours line" in help_page
    assert 'href="tel:+34600100200"' in help_page


def test_a_line_for_every_country_and_a_text_line(as_admin_alice: HttpClient) -> None:
    data = {**GOOD, "country": "", "phone": "", "website": "", "text": "600 100 200"}
    data["text_body"] = "HOLA"

    assert as_admin_alice.post(LINES, data).status_code == 302

    line = CrisisLine.objects.get()
    assert line.country == ""
    assert line.text_body == "HOLA"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"phone": "", "website": ""}, "Add a phone number, a text number or a website"),
        ({"phone": "call me maybe"}, "Please write a number a phone can call"),
        ({"phone": "12"}, "Please write a number a phone can call"),
        ({"phone": "+44+20"}, "Please write a number a phone can call"),
        ({"text": "HOME to 741741"}, "Please write a number that takes text messages"),
        ({"text_body": "HOME"}, "Add the number this message goes to."),
        ({"website": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"website": "ftp://example.org"}, "Enter a valid URL."),
        ({"country": "ZZ"}, "Select a valid choice."),
        ({"country": "<script>"}, "Select a valid choice."),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"notes": "Call\x00us"}, "Null characters are not allowed."),
        ({"phone": "x" * 5000}, "Ensure this value has at most 40 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    as_admin_alice: HttpClient, change: dict[str, str], message: str
) -> None:
    response = as_admin_alice.post(LINES, {**GOOD, **change})

    assert response.status_code == 200
    assert message in text(response)
    assert 'class="error' in text(response)
    assert rows() == []


def test_a_member_sees_the_lines_but_cannot_change_them(
    alice: Practitioner, as_alice: HttpClient, alices_line: CrisisLine
) -> None:
    assert alice.role == Practitioner.Role.MEMBER

    page = text(as_alice.get(LINES))
    assert "Alice's line" in page
    assert "Add a line" not in page
    assert "Remove" not in page

    before = rows()
    assert as_alice.post(LINES, GOOD).status_code == 403
    assert as_alice.post(REMOVE, {"line": alices_line.pk}).status_code == 403
    assert rows() == before


def test_an_admin_removes_a_line(as_admin_alice: HttpClient, alices_line: CrisisLine) -> None:
    response = as_admin_alice.post(REMOVE, {"line": alices_line.pk})

    assert response.status_code == 302
    assert not CrisisLine.objects.exists()
    assert "Removed “Alice's line”." in text(as_admin_alice.get(LINES))


def test_removing_needs_a_post(as_admin_alice: HttpClient, alices_line: CrisisLine) -> None:
    assert as_admin_alice.get(REMOVE, {"line": alices_line.pk}).status_code == 405
    assert CrisisLine.objects.exists()


def test_another_practices_admin_cannot_see_or_remove_your_lines(
    as_admin_bob: HttpClient, alices_line: CrisisLine, bob: Practitioner
) -> None:
    CrisisLine.objects.create(practice=bob.practice, name="Bob's line", phone="600 9 9 9")
    before = rows()

    page = text(as_admin_bob.get(LINES))
    response = as_admin_bob.post(REMOVE, {"line": alices_line.pk})

    assert "Bob's line" in page
    assert "Alice's line" not in page
    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)
    assert rows() == before


@pytest.mark.parametrize("junk", ["", "abc", "0", "-1", str(10**30), "\x00", "1.5", ["1", "x"]])
def test_junk_line_ids_are_not_found(
    as_admin_alice: HttpClient, alices_line: CrisisLine, junk: Any
) -> None:
    response = as_admin_alice.post(REMOVE, {"line": junk})

    assert response.status_code == 404
    assert CrisisLine.objects.exists()


def test_people_who_are_not_practitioners_are_sent_to_sign_in(
    carmen: Client, alices_line: CrisisLine
) -> None:
    before = rows()
    for http in (HttpClient(), signed_in_as(carmen)):
        for response in (
            http.get(LINES),
            http.post(LINES, GOOD),
            http.post(REMOVE, {"line": alices_line.pk}),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")
    assert rows() == before


def test_a_colleague_admin_in_the_same_practice_manages_the_same_lines(
    alice: Practitioner, alices_line: CrisisLine
) -> None:
    colleague = factories.PractitionerFactory(practice=alice.practice, role=Practitioner.Role.ADMIN)
    http = HttpClient()
    http.force_login(colleague)

    assert "Alice's line" in text(http.get(LINES))
    assert http.post(REMOVE, {"line": alices_line.pk}).status_code == 302


# The client's country, set by the practitioner or the client


def test_the_practitioner_sets_a_clients_country(as_alice: HttpClient, carmen: Client) -> None:
    form = text(as_alice.get(f"/clients/{carmen.pk}/edit/"))
    assert '<option value="MX">Mexico</option>' in form
    assert '<option value="FR">France</option>' in form

    response = as_alice.post(
        f"/clients/{carmen.pk}/edit/",
        {
            "name": carmen.name,
            "email": carmen.email,
            "language": "es",
            "timezone": "Europe/Madrid",
            "country": "MX",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )

    assert response.status_code == 302
    carmen.refresh_from_db()
    assert carmen.country == "MX"
    assert "Línea de la Vida" in text(signed_in_as(carmen).get("/c/help/"))


def test_a_client_sets_their_own_country_or_goes_by_their_time_zone(
    as_carmen: HttpClient, carmen: Client
) -> None:
    data = {"language": "es", "timezone": "America/Bogota", "quiet_start": "21:00"}
    data["quiet_end"] = "08:00"

    assert as_carmen.post("/c/preferences/", {**data, "country": "CL"}).status_code == 302
    carmen.refresh_from_db()
    assert carmen.country == "CL"

    assert as_carmen.post("/c/preferences/", {**data, "country": ""}).status_code == 302
    carmen.refresh_from_db()
    assert carmen.country == ""
    assert 'href="tel:123"' in text(as_carmen.get("/c/help/"))  # Colombia, from the zone

    response = as_carmen.post("/c/preferences/", {**data, "country": "Narnia"})
    assert response.status_code == 200
    assert 'id="id_country_error"' in text(response)  # in Spanish, Carmen's language
    carmen.refresh_from_db()
    assert carmen.country == ""
