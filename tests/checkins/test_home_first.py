"""On the client's home, what waits for them comes first: a reply from their practitioner
they have not answered, or the check-in they were asked for. (tests in e2e/ check it is on
a 390 px phone's first screen.)"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.checkins.models import CheckIn, ClientReply, Reply, State
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
    client = factories.ClientFactory(practitioner=alice, name="Dana Fox", language="en")
    factories.SessionFactory(
        client=client, starts_at=NOW - dt.timedelta(hours=30), client_note="A long note. " * 40
    )
    return client


def headings(http: HttpClient) -> list[str]:
    page = http.get("/c/").content.decode()
    found = re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found]


def reply(dana: Client, alice: Practitioner, body: str, **kwargs: Any) -> Reply:
    return Reply.objects.create(
        practice_id=dana.practice_id, client=dana, practitioner=alice, body=body, **kwargs
    )


def test_with_nothing_waiting_the_note_comes_before_the_question(dana: Client) -> None:
    order = headings(signed_in_as(dana))
    assert order.index("A note from Alice Moreno") < order.index("How are you right now?")


def asked(dana: Client, hours_ago: float) -> CheckIn:
    """A follow-up sent to Dana, waiting for her answer."""
    sent = NOW - dt.timedelta(hours=hours_ago)
    return factories.CheckInFactory(
        client=dana,
        state=State.SENT,
        answered_at=None,
        activation=None,
        note="",
        sent_at=sent,
        due_at=sent,
    )


def test_a_check_in_they_were_asked_for_comes_first(dana: Client) -> None:
    asked(dana, hours_ago=2)
    order = headings(signed_in_as(dana))
    assert order[0] == "How are you right now?"
    assert "A note from Alice Moreno" in order[1:]


def test_a_reply_they_have_not_answered_comes_first_with_the_box_to_write_back(
    dana: Client, alice: Practitioner
) -> None:
    checkin = factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(hours=6))
    reply(dana, alice, "Thank you for telling me. Rest tonight.", checkin=checkin)
    http = signed_in_as(dana)
    assert headings(http)[0] == "From Alice Moreno"
    page = html.unescape(http.get("/c/").content.decode())
    # Shown once, at the top, with its own box to write back (no second copy further down).
    assert page.count("Thank you for telling me. Rest tonight.") == 1
    assert page.index("Thank you for telling me") < page.index("A note from Alice Moreno")
    assert page.count('name="body"') == 1


def test_once_answered_or_older_than_their_next_check_in_the_reply_takes_its_usual_place(
    dana: Client, alice: Practitioner
) -> None:
    checkin = factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(days=2))
    answered = reply(dana, alice, "First reply.", checkin=checkin)
    ClientReply.objects.create(practice_id=dana.practice_id, client=dana, reply=answered, body="ok")
    reply(dana, alice, "Second reply.", checkin=checkin, created_at=NOW - dt.timedelta(days=1))
    factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(hours=3))
    order = headings(signed_in_as(dana))
    assert "From Alice Moreno" not in order
    page = html.unescape(signed_in_as(dana).get("/c/").content.decode())
    assert "First reply." in page and "Second reply." in page  # still there, under the check-in
    assert CheckIn.objects.filter(client=dana).count() == 2


@pytest.mark.parametrize(
    ("sent_hours_ago", "said"),
    [
        (2, "asked how you are today."),
        (13, "asked how you are yesterday."),  # Tue 05:00 UTC is Mon 23:00 in Mexico City
        (72, "asked how you are on Saturday."),
    ],
)
def test_when_they_were_asked_is_told_in_their_own_days(
    dana: Client, sent_hours_ago: int, said: str
) -> None:
    dana.timezone = "America/Mexico_City"  # NOW is Tue 12:00 there
    dana.save()
    asked(dana, hours_ago=sent_hours_ago)
    page = html.unescape(signed_in_as(dana).get("/c/").content.decode())
    assert f"Alice Moreno {said}" in page
