"""Practitioners log, edit and delete sessions; the notes are encrypted at rest."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient

from tend.care.models import Intensity, Modality, Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def error_for(page: str, field: str) -> str:
    marker = f'id="id_{field}_error">'
    if marker not in page:
        return ""
    start = page.index(marker) + len(marker)
    return page[start : page.index("</p>", start)]


def session_form(**changes: str | None) -> dict[str, str]:
    form: dict[str, str | None] = {
        "starts_at": "2026-05-11T16:00",
        "modality": "bodywork",
        "intensity": "intense",
        "client_note": "Drink water and rest. Tears are welcome.",
        "private_note": "Held a lot in the diaphragm.",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def timeline(page: str) -> str:
    """The timeline as a person reads it: words only, no markup."""
    part = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def test_logging_a_session_shows_it_on_the_client_page(
    as_alice: HttpClient, alice: Practitioner, carmen: Client
) -> None:
    form = as_alice.get(f"/sessions/new/{carmen.pk}/")
    assert "Log a session with Carmen López" in text(form)
    assert 'value="2026-05-12T09:30"' in text(form)  # now, in Alice's time zone

    response = as_alice.post(f"/sessions/new/{carmen.pk}/", session_form())

    assert response["Location"] == f"/clients/{carmen.pk}/"
    session = Session.objects.get()
    assert session.client == carmen
    assert session.practice == alice.practice
    assert session.practitioner == alice
    assert session.starts_at == dt.datetime(2026, 5, 11, 16, 0, tzinfo=dt.UTC)
    assert (session.modality, session.intensity) == (Modality.BODYWORK, Intensity.INTENSE)
    page = text(as_alice.get(response["Location"]))
    assert "Session logged." in page
    entries = timeline(page)
    assert "Planned session" not in entries
    assert "Bodywork · Intense" in entries
    assert "For the client: Drink water and rest. Tears are welcome." in entries
    assert "Private: Held a lot in the diaphragm." in entries


def test_the_time_is_read_in_the_practitioners_own_time_zone(
    as_alice: HttpClient, alice: Practitioner, carmen: Client
) -> None:
    alice.timezone = "America/New_York"
    alice.save()

    as_alice.post(f"/sessions/new/{carmen.pk}/", session_form(starts_at="2026-05-11T16:00"))

    assert Session.objects.get().starts_at == dt.datetime(2026, 5, 11, 20, 0, tzinfo=dt.UTC)


def test_a_session_in_the_future_is_logged_and_shown_as_planned(
    as_alice: HttpClient, carmen: Client
) -> None:
    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/", session_form(starts_at="2026-05-20T10:00")
    )

    assert response.status_code == 302
    assert Session.objects.get().is_planned
    assert "Planned session" in timeline(text(as_alice.get(response["Location"])))


def test_a_planned_session_reads_as_done_once_its_time_has_passed(
    as_alice: HttpClient, carmen: Client, frozen_time: Any
) -> None:
    as_alice.post(f"/sessions/new/{carmen.pk}/", session_form(starts_at="2026-05-20T10:00"))

    frozen_time.move_to(dt.datetime(2026, 5, 21, tzinfo=dt.UTC))

    assert "Planned session" not in timeline(text(as_alice.get(f"/clients/{carmen.pk}/")))


def test_a_note_for_the_client_is_optional(as_alice: HttpClient, carmen: Client) -> None:
    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/", session_form(client_note=None, private_note=None)
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.client_note, session.private_note) == ("", "")


def test_editing_a_session_saves_the_changes(as_alice: HttpClient, carmen: Client) -> None:
    session = factories.SessionFactory(client=carmen)
    form = text(as_alice.get(f"/sessions/{session.pk}/edit/"))
    assert "Edit session" in form
    assert "Rest tonight; tears tomorrow are normal." in form

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        response = as_alice.post(
            f"/sessions/{session.pk}/edit/",
            session_form(
                starts_at="2026-05-10T08:15",
                modality="breathwork",
                intensity="gentle",
                client_note="Slow breaths before bed.",
            ),
        )

    assert response["Location"] == f"/clients/{carmen.pk}/"
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 5, 10, 8, 15, tzinfo=dt.UTC)
    assert (session.modality, session.intensity) == ("breathwork", "gentle")
    assert session.client_note == "Slow breaths before bed."
    assert session.updated_at == NOW + dt.timedelta(hours=1)
    page = text(as_alice.get(response["Location"]))
    assert "Session saved." in page
    assert "Breathwork · Gentle" in page
    assert "Rest tonight" not in page


def test_deleting_a_session_asks_first_then_removes_it_but_keeps_check_ins(
    as_alice: HttpClient, carmen: Client
) -> None:
    session = factories.SessionFactory(client=carmen)
    checkin = factories.CheckInFactory(client=carmen, session=session)

    confirm = as_alice.get(f"/sessions/{session.pk}/delete/")

    assert confirm.status_code == 200
    assert "Delete this session?" in text(confirm)
    assert "The session with Carmen López" in text(confirm)
    assert Session.objects.filter(pk=session.pk).exists()

    response = as_alice.post(f"/sessions/{session.pk}/delete/")

    assert response["Location"] == f"/clients/{carmen.pk}/"
    assert not Session.objects.filter(pk=session.pk).exists()
    checkin.refresh_from_db()
    assert checkin.session is None
    page = text(as_alice.get(response["Location"]))
    assert "Session deleted." in page
    assert "Rest tonight" not in page
    assert "Open check-in" in page


def test_a_deleted_session_is_gone_for_good(as_alice: HttpClient, carmen: Client) -> None:
    session = factories.SessionFactory(client=carmen)
    as_alice.post(f"/sessions/{session.pk}/delete/")

    assert as_alice.post(f"/sessions/{session.pk}/delete/").status_code == 404
    assert as_alice.get(f"/sessions/{session.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"intensity": None}, "intensity", "This field is required."),
        ({"intensity": "volcanic"}, "intensity", "Select a valid choice."),
        ({"modality": "astrology"}, "modality", "Select a valid choice."),
        ({"modality": None}, "modality", "This field is required."),
        ({"starts_at": "2026-02-31T10:00"}, "starts_at", "Enter a valid date/time."),
        ({"starts_at": "yesterday-ish"}, "starts_at", "Enter a valid date/time."),
        ({"starts_at": ""}, "starts_at", "This field is required."),
    ],
    ids=lambda v: v if isinstance(v, str) and v.islower() else None,
)
def test_logging_a_session_with_bad_input_says_what_to_fix_and_saves_nothing(
    as_alice: HttpClient,
    carmen: Client,
    changes: dict[str, str | None],
    field: str,
    message: str,
) -> None:
    response = as_alice.post(f"/sessions/new/{carmen.pk}/", session_form(**changes))

    page = text(response)
    assert response.status_code == 200
    assert error_for(page, field).startswith(message)
    assert "Drink water and rest. Tears are welcome." in page  # what was typed is kept
    assert Session.objects.count() == 0


def test_editing_a_session_with_bad_input_changes_nothing(
    as_alice: HttpClient, carmen: Client
) -> None:
    session = factories.SessionFactory(client=carmen)
    before = Session.objects.filter(pk=session.pk).values().get()

    response = as_alice.post(
        f"/sessions/{session.pk}/edit/",
        session_form(intensity=None, modality="astrology", client_note="Changed?"),
    )

    assert response.status_code == 200
    assert error_for(text(response), "intensity") == "This field is required."
    assert Session.objects.filter(pk=session.pk).values().get() == before


def raw_row(table: str, pk: int, *columns: str) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def test_session_notes_are_encrypted_at_rest_and_read_back_plain(
    as_alice: HttpClient, carmen: Client
) -> None:
    as_alice.post(f"/sessions/new/{carmen.pk}/", session_form())
    session = Session.objects.get()

    client_note, private_note = raw_row(
        Session._meta.db_table, session.pk, "client_note", "private_note"
    )

    for stored, plain in [
        (client_note, "Drink water and rest. Tears are welcome."),
        (private_note, "Held a lot in the diaphragm."),
    ]:
        assert stored.startswith("gAAAAA")  # a Fernet token
        assert plain not in stored
        assert "diaphragm" not in stored and "Tears" not in stored
    assert client_note != private_note
    assert session.client_note == "Drink water and rest. Tears are welcome."
    assert session.private_note == "Held a lot in the diaphragm."
    assert "Held a lot in the diaphragm." in text(as_alice.get(f"/clients/{carmen.pk}/"))


def test_the_same_note_encrypts_differently_each_time(carmen: Client) -> None:
    one = factories.SessionFactory(client=carmen, client_note="Same words.")
    two = factories.SessionFactory(client=carmen, client_note="Same words.")

    [first] = raw_row(Session._meta.db_table, one.pk, "client_note")
    [second] = raw_row(Session._meta.db_table, two.pk, "client_note")

    assert first != second


def test_empty_notes_stay_empty_in_the_database(carmen: Client) -> None:
    session = factories.SessionFactory(client=carmen, client_note="", private_note="")

    assert raw_row(Session._meta.db_table, session.pk, "client_note", "private_note") == ("", "")
    assert CheckIn.objects.count() == 0


def test_a_long_history_shows_its_recent_part_and_the_rest_is_one_link_away(
    as_alice: HttpClient, carmen: Client
) -> None:
    for week in range(45):
        factories.SessionFactory(
            client=carmen,
            starts_at=NOW - dt.timedelta(weeks=week, hours=1),
            client_note=f"Note of week {week}.",
        )

    page = text(as_alice.get(f"/clients/{carmen.pk}/"))

    recent = timeline(page)
    assert "Note of week 0." in recent and "Note of week 39." in recent
    assert "Note of week 40." not in recent
    assert '<a href="?history=all#history">Show earlier sessions and check-ins</a>' in page

    whole = text(as_alice.get(f"/clients/{carmen.pk}/?history=all"))
    assert "Note of week 44." in timeline(whole)
    assert "Show earlier sessions and check-ins" not in whole


def test_a_short_history_has_no_link_to_more(as_alice: HttpClient, carmen: Client) -> None:
    factories.SessionFactory(client=carmen, starts_at=NOW - dt.timedelta(days=1))

    page = text(as_alice.get(f"/clients/{carmen.pk}/"))

    assert "Show earlier sessions and check-ins" not in page
