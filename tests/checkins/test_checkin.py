"""A client checks in; their practitioner sees it."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient

from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 18, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dana(alice: Practitioner) -> Client:
    """An English-speaking client of Alice's."""
    return factories.ClientFactory(practitioner=alice, name="Dana Fox", language="en")


@pytest.fixture
def as_dana(dana: Client) -> HttpClient:
    return signed_in_as(dana)


@pytest.fixture
def last_session(dana: Client) -> Session:
    return factories.SessionFactory(
        client=dana,
        starts_at=NOW - dt.timedelta(hours=5),
        client_note="Let the evening be slow. Warm food helps.",
    )


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(response: Any) -> str:
    """The page as a person reads it: words only, no markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_the_clients_home_shows_their_practitioners_latest_note(
    as_dana: HttpClient, dana: Client, last_session: Session
) -> None:
    factories.SessionFactory(
        client=dana, starts_at=NOW - dt.timedelta(days=9), client_note="An older note."
    )

    page = visible(as_dana.get("/c/"))

    assert "A note from Alice Moreno" in page
    assert "Let the evening be slow. Warm food helps." in page
    assert "An older note." not in page
    assert "Shoulders held a lot." not in page  # the private note never reaches the client


def test_the_home_never_shows_a_planned_sessions_note(
    as_dana: HttpClient, dana: Client, last_session: Session
) -> None:
    factories.SessionFactory(
        client=dana, starts_at=NOW + dt.timedelta(days=2), client_note="Bring a blanket."
    )

    page = visible(as_dana.get("/c/"))

    assert "Let the evening be slow." in page
    assert "Bring a blanket." not in page


def test_the_home_skips_a_session_with_no_note_for_the_client(
    as_dana: HttpClient, dana: Client, last_session: Session
) -> None:
    factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(hours=1), client_note="")

    assert "Let the evening be slow." in visible(as_dana.get("/c/"))


def test_a_client_with_no_sessions_sees_just_the_question(as_dana: HttpClient) -> None:
    page = visible(as_dana.get("/c/"))

    assert "A note from" not in page
    assert "How are you right now?" in page


def test_checking_in_with_only_the_activation_is_enough(
    as_dana: HttpClient, dana: Client, last_session: Session
) -> None:
    response = as_dana.post("/c/checkin/", {"activation": "3"})

    checkin = CheckIn.objects.get()
    assert response["Location"] == f"/c/checkin/{checkin.pk}/thanks/"
    assert checkin.client == dana
    assert checkin.practice_id == dana.practice_id
    assert checkin.session == last_session
    assert checkin.activation == 3
    assert checkin.answered_at == NOW
    assert (checkin.sensations, checkin.emotions) == ([], [])
    assert (checkin.slept, checkin.ate, checkin.drank, checkin.moved) == ("", "", "", "")
    assert (checkin.need, checkin.note, checkin.wants_contact) == ("", "", None)
    thanks = visible(as_dana.get(response["Location"]))
    assert "Thank you for checking in" in thanks
    assert "Alice Moreno will see what you shared." in thanks
    assert "You asked Alice Moreno to reach out" not in thanks


def test_checking_in_with_everything_filled_keeps_every_answer(
    as_dana: HttpClient, dana: Client, last_session: Session
) -> None:
    response = as_dana.post(
        "/c/checkin/",
        {
            "activation": "8",
            "sensations": ["heavy", "tender"],
            "emotions": ["sad", "relieved"],
            "slept": "no",
            "ate": "yes",
            "drank": "yes",
            "moved": "no",
            "need": "  A quiet walk.  ",
            "wants_contact": "yes",
            "note": "Cried in the car,\nthen felt lighter.",
        },
    )

    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert checkin.activation == 8
    assert checkin.sensations == ["heavy", "tender"]
    assert checkin.emotions == ["sad", "relieved"]
    assert (checkin.slept, checkin.ate, checkin.drank, checkin.moved) == ("no", "yes", "yes", "no")
    assert checkin.need == "A quiet walk."
    assert checkin.wants_contact is True
    assert checkin.note == "Cried in the car,\nthen felt lighter."
    thanks = visible(as_dana.get(response["Location"]))
    assert "You asked Alice Moreno to reach out. They'll see your request." in thanks
    assert "A lot is moving right now." in thanks  # activation 7 or more


def test_saying_not_now_to_contact_is_kept_as_a_no(as_dana: HttpClient) -> None:
    as_dana.post("/c/checkin/", {"activation": "2", "wants_contact": "no"})

    assert CheckIn.objects.get().wants_contact is False


def test_checking_in_without_the_activation_says_what_is_missing_and_saves_nothing(
    as_dana: HttpClient,
) -> None:
    response = as_dana.post("/c/checkin/", {"sensations": ["tired"], "note": "Long day."})

    page = visible(response)
    assert response.status_code == 400
    assert "One thing still needs an answer. It's marked below." in page
    assert "Please choose a number from 0 to 10, whatever fits." in page
    assert "Long day." in page  # what they wrote is kept
    assert re.search(r'value="tired"[^>]*checked', text(response))
    assert not re.search(r'value="heavy"[^>]*checked', text(response))
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("activation", ["11", "-1", "abc", "3.5", "", " "])
def test_an_activation_outside_0_to_10_saves_nothing(as_dana: HttpClient, activation: str) -> None:
    response = as_dana.post("/c/checkin/", {"activation": activation})

    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("activation", ["0", "10"])
def test_both_ends_of_the_scale_are_accepted(as_dana: HttpClient, activation: str) -> None:
    assert as_dana.post("/c/checkin/", {"activation": activation}).status_code == 302
    assert CheckIn.objects.get().activation == int(activation)


@pytest.mark.parametrize(
    "extra",
    [
        {"sensations": ["tired", "glowing"]},
        {"emotions": ["ennui"]},
        {"slept": "maybe"},
        {"wants_contact": "always"},
    ],
    ids=lambda e: next(iter(e)),
)
def test_an_unknown_answer_saves_nothing(as_dana: HttpClient, extra: dict[str, Any]) -> None:
    response = as_dana.post("/c/checkin/", {"activation": "4", **extra})

    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(("field", "limit"), [("note", 4000), ("need", 2000)])
def test_an_overly_long_answer_is_turned_down_kindly(
    as_dana: HttpClient, field: str, limit: int
) -> None:
    response = as_dana.post("/c/checkin/", {"activation": "4", field: "a" * (limit + 1)})

    assert response.status_code == 400
    assert f"Ensure this value has at most {limit} characters" in visible(response)
    assert CheckIn.objects.count() == 0
    assert as_dana.post("/c/checkin/", {"activation": "4", field: "a" * limit}).status_code == 302


def test_checking_in_needs_a_signed_in_client() -> None:
    response = HttpClient().post("/c/checkin/", {"activation": "4"})

    assert response["Location"] == "/c/signin/"
    assert CheckIn.objects.count() == 0


def test_a_check_in_is_a_form_not_a_link(as_dana: HttpClient) -> None:
    assert as_dana.get("/c/checkin/").status_code == 405


def test_the_practitioner_sees_the_check_in_on_the_client_page(
    as_dana: HttpClient, as_alice: HttpClient, dana: Client, last_session: Session
) -> None:
    as_dana.post(
        "/c/checkin/",
        {
            "activation": "7",
            "sensations": ["buzzing"],
            "emotions": ["anxious"],
            "slept": "no",
            "need": "Someone to talk to.",
            "wants_contact": "yes",
            "note": "Restless night.",
        },
    )
    checkin = CheckIn.objects.get()

    page = visible(as_alice.get(f"/clients/{dana.pk}/"))

    assert "Activation: 7 of 10" in page
    assert "Would like you to reach out" in page
    assert "Body: buzzing" in page
    assert "Feelings: anxious" in page
    assert "Slept: not yet" in page
    assert "Needs: “Someone to talk to.”" in page
    assert "Note: “Restless night.”" in page
    detail = visible(as_alice.get(f"/checkins/{checkin.pk}/"))
    assert "Check-in from Dana Fox" in detail
    assert "after the session on" in detail
    assert "Restless night." in detail


def test_the_practitioner_sees_the_latest_check_in_on_the_client_list(
    as_dana: HttpClient, as_alice: HttpClient, frozen_time: Any
) -> None:
    as_dana.post("/c/checkin/", {"activation": "2", "wants_contact": "no"})
    frozen_time.shift(dt.timedelta(hours=3))
    as_dana.post("/c/checkin/", {"activation": "9", "wants_contact": "yes"})
    frozen_time.shift(dt.timedelta(hours=1))

    page = text(as_alice.get("/clients/"))
    row = page[page.index("Dana Fox") :]
    row = " ".join(re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]).split())

    assert "9 of 10" in row
    assert "2 of 10" not in row
    assert "Yes" in row
    assert "1 hour ago" in row


def test_the_thanks_page_is_in_the_clients_language(as_carmen: HttpClient, carmen: Client) -> None:
    response = as_carmen.post("/c/checkin/", {"activation": "2"}, follow=True)

    page = visible(response)
    assert '<html lang="es">' in text(response)
    assert "Gracias por contarnos cómo estás" in page
    assert "Thank you for checking in" not in page


def test_a_spanish_client_sees_the_missing_answer_message_in_spanish(
    as_carmen: HttpClient,
) -> None:
    response = as_carmen.post("/c/checkin/", {})

    assert response.status_code == 400
    assert "Elige un número del 0 al 10, el que mejor encaje." in visible(response)


def test_check_in_words_are_encrypted_at_rest(as_dana: HttpClient) -> None:
    as_dana.post(
        "/c/checkin/",
        {"activation": "5", "need": "Quiet and tea.", "note": "My sister called."},
    )
    checkin = CheckIn.objects.get()

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT need, note FROM {CheckIn._meta.db_table} WHERE id = %s",  # noqa: S608
            [checkin.pk],
        )
        need, note = cursor.fetchone()

    assert need.startswith("gAAAAA") and note.startswith("gAAAAA")
    assert "tea" not in need
    assert "sister" not in note
    assert (checkin.need, checkin.note) == ("Quiet and tea.", "My sister called.")
