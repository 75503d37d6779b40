"""On a client's page, the days since the last session on one screen: what each line says is
checked against the rows it describes."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.integration.models import Exercise, ExerciseDone
from tend.journal import services as journal
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def overview(page: str) -> str:
    return page.split("Since the last session", 1)[1].split("Sessions and check-ins", 1)[0]


@pytest.fixture
def clock(db: None) -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_days_since_the_session_with_what_happened_in_them(
    clock: Any, as_alice: HttpClient, dana: Any
) -> None:
    earlier = factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(days=10))
    session = factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(days=3))
    factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(days=5), activation=2)
    factories.CheckInFactory(
        client=dana, session=session, answered_at=NOW - dt.timedelta(days=2), activation=9
    )
    pause = Exercise.objects.get(practice=None, key="longer-breath-out")
    ExerciseDone.objects.create(
        practice=dana.practice, client=dana, exercise=pause, at=NOW - dt.timedelta(days=1)
    )
    ExerciseDone.objects.create(  # before the session: not in these days
        practice=dana.practice, client=dana, exercise=pause, at=NOW - dt.timedelta(days=4)
    )
    journal.write(dana, "I let the phone ring out.", kind="ripple", share=True)
    journal.write(dana, "Only mine, this one.", kind="ripple")

    page = visible(as_alice.get(f"/clients/{dana.pk}/"))
    part = overview(page)

    assert "3 days since the session on Sun 7 Jun." in part
    assert part.count("Check-in:") == 1  # the one after the session, not the one before
    assert part.count("Did the practice") == 1
    assert f"Did the practice “{pause.title('en')}”" in part
    assert "Shared a ripple · I let the phone ring out." in part
    # One line, newest first: the ripple today, the practice yesterday, the check-in before.
    assert part.index("Shared a ripple") < part.index("Did the practice") < part.index("Check-in:")
    assert "Only mine" not in page
    raw = as_alice.get(f"/clients/{dana.pk}/").content.decode()
    svg = raw.split('id="overview-chart-', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="chart-session"') == 2  # both sessions fall in the two weeks
    assert svg.count('class="chart-dot') == 2
    assert "out of 10: 2, 9. Sessions on 31 May, 7 Jun." in html.unescape(svg)
    del earlier


def test_with_nothing_since_the_session_the_page_says_so_and_draws_no_chart(
    clock: Any, as_alice: HttpClient, dana: Any
) -> None:
    factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(days=1))
    journal.write(dana, "Private thoughts.")  # never shared: not "something"

    page = as_alice.get(f"/clients/{dana.pk}/").content.decode()
    part = overview(visible(as_alice.get(f"/clients/{dana.pk}/")))

    assert "1 day since the session on Tue 9 Jun." in part
    assert "No check-ins, practices or shared entries in this time." in part
    assert "overview-chart-" not in page


def test_a_client_with_no_session_yet_shows_the_last_two_weeks(
    clock: Any, as_alice: HttpClient, dana: Any
) -> None:
    factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(days=20), activation=5)
    factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(days=2), activation=6)
    part = overview(visible(as_alice.get(f"/clients/{dana.pk}/")))
    assert "No session logged yet: the last two weeks." in part
    assert part.count("Check-in:") == 1
