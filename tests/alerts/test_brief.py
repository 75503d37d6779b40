"""The brief before a session: every line checked against the rows it describes."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.alerts import services as alerts
from tend.alerts.models import Kind, Level
from tend.assessments import services as questionnaires
from tend.assessments.models import Administration
from tend.journal import services as journal
from tests import factories

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def answered(client: Any, slug: str, answers: list[int], at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        questionnaires.answer(questionnaires.begin(client, slug), answers)


def test_the_brief_gathers_the_days_since_the_session(
    as_alice: HttpClient, alice: Any, dana: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(days=30))
        factories.SessionFactory(client=dana, starts_at=NOW - dt.timedelta(days=5))
        factories.SessionFactory(client=dana, starts_at=NOW + dt.timedelta(days=1))
        factories.CheckInFactory(
            client=dana, answered_at=NOW - dt.timedelta(days=3), activation=8,
            need="A walk with someone.", wants_contact=True,
        )  # fmt: skip
        factories.CheckInFactory(client=dana, answered_at=NOW - dt.timedelta(days=2), activation=4)
        alert = alerts.open_alert(
            dana, Kind.CONTACT, Level.NORMAL, {}, at=NOW - dt.timedelta(days=3)
        )
        alerts.acknowledge([alert], alice)
        alerts.resolve(alert, alice, "Called her; she is with her sister.")
        journal.write(dana, "I slept through the night.", share=True)
        journal.write(dana, "This one is mine alone.")
    answered(dana, "phq9", [2, 2, 2, 2, 1, 1, 1, 1, 0], NOW - dt.timedelta(days=40))
    answered(dana, "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], NOW - dt.timedelta(days=2))
    answered(dana, "ladder", [0, 4, 0, 4, 0, 4, 0, 4, 0, 4], NOW - dt.timedelta(days=40))
    answered(dana, "ladder", [2] * 10, NOW - dt.timedelta(days=1))

    with time_machine.travel(NOW, tick=False):
        response = as_alice.get(f"/clients/{dana.pk}/brief/")
    page = visible(response)

    assert "Before the session: Dana Fox" in page
    assert "5 days since the session on Fri 5 Jun." in page
    assert "Next session: Thu 11 Jun, " in page
    assert "asked you to reach out “A walk with someone.”" in page
    assert "resolved by Alice Moreno: “Called her; she is with her sister.”" in page
    assert "Patient Health Questionnaire-9 (PHQ-9)" in page
    # 12 then 5: seven points, more than the 6 that measurement error could give.
    assert "Mon 8 Jun · 5 · Mild · reliably lower than the one before" in page
    assert "Around Washing Ball now (before: Conker)." in page
    assert "I slept through the night." in page
    assert "mine alone" not in page
    raw = html.unescape(response.content.decode())
    svg = raw.split('id="trend-phq9"', 1)[1].split("</svg>", 1)[0]
    assert "PHQ-9): 12, 5." in svg
    assert (
        raw.split('aria-labelledby="trend-phq9"', 1)[1]
        .split("</svg>", 1)[0]
        .count('class="chart-threshold"')
        == 4
    )  # the four boundaries between PHQ-9's five bands
    assert "Sessions on 11 May, 5 Jun." in svg  # both sessions since the first answer


def test_with_nothing_to_tell_each_part_says_so(as_alice: HttpClient, dana: Any) -> None:
    page = visible(as_alice.get(f"/clients/{dana.pk}/brief/"))
    for line in (
        "No session logged yet: the last two weeks.",
        "No check-ins in this time.",
        "Nothing asked for in this time.",
        "No alerts in this time.",
        "None answered yet.",
        "Not taken yet.",
        "Nothing shared in this time.",
    ):
        assert line in page
    assert not Administration.objects.exists()


def test_nobody_outside_the_practice_reads_a_brief(as_bob: HttpClient, dana: Any) -> None:
    assert as_bob.get(f"/clients/{dana.pk}/brief/").status_code == 404
