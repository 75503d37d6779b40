"""Questionnaires on a schedule, through the worker and a real SMTP server: a rhythm in the
client's zone, the day after each session, one reminder, stopping, and never twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from tend.assessments import schedule
from tend.assessments.models import Administration, Assignment
from tend.assessments.rhythm import Rhythm
from tests.notify.test_delivery import log
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)  # Monday, 10:00 in Madrid


@pytest.fixture
def clock(db: None) -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def emails_to(inbox: Inbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in inbox.to(address)]


def test_a_weekly_rhythm_goes_at_the_clients_ten_o_clock_across_the_clock_change(
    clock: Any, alice: Any, dana: Any, smtp_inbox: Inbox
) -> None:
    # Dana lives in Madrid; every Friday at 10:00 on her clock, from 20 March.
    rhythm = Rhythm(1, "weeks", dt.time(10, 0), dt.date(2026, 3, 20))
    assignment = schedule.assign(dana, "who5", alice, Assignment.When.RHYTHM, rhythm)
    [waiting] = Administration.objects.filter(assignment=assignment)
    assert waiting.due_at.astimezone(MADRID).strftime("%a %d %H:%M") == "Fri 20 10:00"

    run_worker()
    assert smtp_inbox.messages == []  # not yet

    clock.move_to(waiting.due_at)
    run_worker()
    assert emails_to(smtp_inbox, "dana@example.com") == ["A few questions from Alice Moreno"]
    dues = [
        a.due_at.astimezone(MADRID).strftime("%a %d %H:%M")
        for a in Administration.objects.filter(assignment=assignment).order_by("due_at")
    ]
    assert dues == ["Fri 20 10:00", "Fri 27 10:00"]  # the next one waits, after the clock change

    nxt = Administration.objects.get(assignment=assignment, sent_at=None)
    clock.move_to(nxt.due_at)
    run_worker()
    subjects = emails_to(smtp_inbox, "dana@example.com")
    assert subjects.count("A few questions from Alice Moreno") == 2
    assert subjects.count("No rush: a few questions from Alice Moreno") == 1  # a week unanswered
    assert nxt.due_at.hour == 9  # 10:00 in Madrid is 09:00 UTC in winter time...
    assert (
        Administration.objects.get(assignment=assignment, sent_at=None).due_at.hour == 8
    )  # ...08:00 after


def test_one_reminder_and_none_once_answered(
    clock: Any, alice: Any, dana: Any, smtp_inbox: Inbox
) -> None:
    first = schedule.assign(dana, "gad7", alice, Assignment.When.ONCE)
    second = schedule.assign(dana, "who5", alice, Assignment.When.ONCE)
    run_worker()
    assert len(smtp_inbox.to("dana@example.com")) == 2
    answered = Administration.objects.get(assignment=second)
    HttpClient().post(_path(answered), {f"item_{n}": "3" for n in range(1, 6)})

    clock.move_to(NOW + dt.timedelta(hours=settings.CHECKIN_REMIND_AFTER_HOURS, minutes=1))
    run_worker()
    run_worker()

    subjects = emails_to(smtp_inbox, "dana@example.com")
    assert subjects.count("No rush: a few questions from Alice Moreno") == 1  # the unanswered one
    reminded = Administration.objects.get(assignment=first)
    assert reminded.reminded_at is not None
    assert Administration.objects.get(assignment=second).reminded_at is None


def test_the_day_after_each_session_at_its_time_and_a_newer_session_takes_over(
    clock: Any, alice: Any, as_alice: HttpClient, dana: Any
) -> None:
    assignment = schedule.assign(dana, "phq9", alice, Assignment.When.AFTER_SESSION)
    assert not Administration.objects.exists()

    log(as_alice, dana, NOW + dt.timedelta(hours=1))  # 11:00 in Madrid
    [first] = Administration.objects.filter(assignment=assignment)
    assert first.due_at.astimezone(MADRID).strftime("%a %d %H:%M") == "Tue 17 11:00"

    log(as_alice, dana, NOW + dt.timedelta(days=1, hours=11))  # 21:00 in Madrid: quiet
    first.refresh_from_db()
    assert first.cancelled_at is not None
    newer = Administration.objects.get(assignment=assignment, cancelled_at=None)
    # 21:00 is in Dana's quiet hours (21:00-08:00): it waits for 08:00.
    assert newer.due_at.astimezone(MADRID).strftime("%a %d %H:%M") == "Thu 19 08:00"


def test_stopped_or_with_emails_off_nothing_more_is_sent(
    clock: Any, alice: Any, dana: Any, carmen: Any, smtp_inbox: Inbox
) -> None:
    rhythm = Rhythm(1, "days", dt.time(10, 0), dt.date(2026, 3, 17))
    stopped = schedule.assign(dana, "who5", alice, Assignment.When.RHYTHM, rhythm)
    schedule.stop(stopped)
    quiet = schedule.assign(carmen, "who5", alice, Assignment.When.RHYTHM, rhythm)
    type(carmen).objects.filter(pk=carmen.pk).update(emails_stopped_at=NOW)

    clock.move_to(NOW + dt.timedelta(days=3))
    run_worker()

    assert smtp_inbox.messages == []
    assert not Administration.objects.filter(assignment=stopped, cancelled_at=None).exists()
    assert not Administration.objects.filter(assignment=quiet, cancelled_at=None).exists()


def test_two_workers_never_send_one_twice(clock: Any, alice: Any, dana: Any) -> None:
    rhythm = Rhythm(1, "days", dt.time(10, 0), dt.date(2026, 3, 17))
    assignment = schedule.assign(dana, "who5", alice, Assignment.When.RHYTHM, rhythm)
    clock.move_to(NOW + dt.timedelta(days=1, minutes=5))

    assert schedule.send_due() == 1
    assert schedule.send_due() == 0
    assert Administration.objects.filter(assignment=assignment).exclude(sent_at=None).count() == 1


def _path(administration: Administration) -> str:
    from tend.assessments import links

    return links.answer_url(administration.pk).removeprefix(settings.SITE_URL)
