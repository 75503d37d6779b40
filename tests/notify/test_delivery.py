"""Check-ins reach the client by email, in their language, answerable with one tap.

The first tests run the real `tend worker` process against the test database and a real SMTP
server on loopback, and then follow links out of the message that arrived, as a client would.
Reminders, windows and pauses run the same dispatcher in-process, with the clock moved.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tend.care import plans
from tend.care.models import AftercarePlan, Session
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.clients import pauses
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as
from tests.database import database_url
from tests.smtp import Inbox
from tests.worker import rounds

ROOT = Path(__file__).resolve().parents[2]


# Helpers


def run_worker(port: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url(),
        "TEND_EMAIL_HOST": "127.0.0.1",
        "TEND_EMAIL_PORT": str(port),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tend.cli", "worker", "--drain"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def dispatch() -> None:
    """One worker's rounds until nothing is left to do, in this process."""
    rounds.run_worker()


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL + "/"), url
    return url.removeprefix(settings.SITE_URL)


def in_language(language: str, message: str, **values: str) -> str:
    """A message as Tend's catalogue has it in `language` today."""
    with translation.override(language):
        return gettext(message) % values if values else gettext(message)


def tap_labels(language: str) -> list[str]:
    with translation.override(language):
        return [capfirst(str(label)) for label in QuickAnswer.labels]


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def tap(http: HttpClient, url: str) -> Any:
    """A person's tap on a one-tap link: it opens a page whose form sends the answer (a
    browser submits it at once). Opening it alone, as mail scanners do, sends nothing."""
    before = list(CheckIn.objects.order_by("pk").values())
    opened = http.get(path_of(url))
    assert opened.status_code == 200
    assert list(CheckIn.objects.order_by("pk").values()) == before
    page = text(opened)
    assert '<form method="post" id="tap">' in page
    return http.post(path_of(url), {"csrfmiddlewaretoken": csrf_token(page)})


def answer_links(inbox: Inbox, message: EmailMessage) -> dict[str, str]:
    """The email's one-tap links by their answer, plus "more", "quiet" and "stop" (the
    practices it offers, under /p/, aside)."""
    urls = [url for url in inbox.links(message) if "/p/" not in url]
    assert len(urls) == len(QuickAnswer) + 3, urls
    named = dict(zip(QuickAnswer.values, urls, strict=False))
    named["more"], named["quiet"], named["stop"] = urls[len(QuickAnswer) :]
    return named


def followups(page: str) -> list[str]:
    lists = re.findall(r'<ul class="followups">(.*?)</ul>', page, re.S)
    return [visible(li) for part in lists for li in re.findall(r"<li>(.*?)</li>", part, re.S)]


def session_form(starts_at: dt.datetime, **changes: str) -> dict[str, str]:
    form = {
        "starts_at": starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M"),
        "modality": "bodywork",
        "intensity": "intense",
        "client_note": "Rest tonight.",
    }
    form.update(changes)
    return form


def log(http: HttpClient, client: Client, starts_at: dt.datetime, **changes: str) -> Session:
    response = http.post(f"/sessions/new/{client.pk}/", session_form(starts_at, **changes))
    assert response.status_code == 302
    return Session.objects.filter(client=client).latest("created_at")


# With the real worker


@pytest.mark.usefixtures("transactional_db")
def test_a_due_check_in_arrives_once_in_the_clients_language_and_one_tap_answers_it(
    sink: tuple[Inbox, int], as_alice: HttpClient, carmen: Client
) -> None:
    inbox, port = sink
    carmen.quiet_start = carmen.quiet_end = dt.time(0, 0)  # no quiet hours: runs at any hour
    carmen.save()
    session = log(as_alice, carmen, timezone.now() - dt.timedelta(hours=4), intensity="intense")
    first = CheckIn.objects.get(session=session, sequence=1)
    assert CheckIn.objects.filter(session=session).count() == 5

    run_worker(port)

    [message] = inbox.messages
    assert message["To"] == "carmen@example.com"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    # In Carmen's language, as far as the catalogue has it; never the English greeting.
    assert message["Subject"] == in_language("es", "How are you, %(name)s?", name="Carmen López")
    body = inbox.text(message)
    assert body.startswith("Hola, Carmen López:")
    assert "Hello" not in body
    assert "%(" not in body + message["Subject"]  # no half-translated placeholders
    html_part = inbox.html(message)
    assert '<html lang="es">' in html_part
    assert "Hola, Carmen López:" in html_part
    # A text part and an HTML part, saying the same thing.
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    # The first check-in brings the intensity's guidance, in her language.
    guidance = plans.guidance_for(session, "es")
    assert guidance == in_language("es", str(plans.DEFAULT_GUIDANCE["intense"]))
    assert guidance in body
    assert guidance in html.unescape(html_part)
    # A way out that mail apps can offer, one-click (RFC 8058).
    links = answer_links(inbox, message)
    assert message["List-Unsubscribe"] == f"<{links['stop']}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    # Each one-tap answer is labelled, in both parts.
    for answer, label in zip(QuickAnswer.values, tap_labels("es"), strict=True):
        assert f"{label}: {links[answer]}" in body
        assert f'href="{links[answer]}"' in html_part
    first.refresh_from_db()
    assert first.state == State.SENT
    assert first.sent_at is not None
    assert list(Delivery.objects.values_list("key", "kind", "state", "attempts")) == [
        (f"checkin:{first.pk}", "checkin", "sent", 1)
    ]
    assert CheckIn.objects.filter(session=session, state=State.SCHEDULED).count() == 4

    # One tap, from her phone: no sign-in in the way. The link opens a page in her language
    # that sends the answer straight away; opening it alone records nothing.
    phone = HttpClient()
    opened = phone.get(path_of(links[QuickAnswer.TENDER]))

    assert opened.status_code == 200
    tap_page = text(opened)
    assert '<html lang="es">' in tap_page
    assert '<form method="post" id="tap">' in tap_page
    labels = dict(zip(QuickAnswer.values, tap_labels("es"), strict=True))
    assert labels[QuickAnswer.TENDER] in tap_page  # the button names her answer in Spanish
    first.refresh_from_db()
    assert (first.state, first.quick_answer, first.answered_at) == (State.SENT, "", None)

    tapped = phone.post(
        path_of(links[QuickAnswer.TENDER]), {"csrfmiddlewaretoken": csrf_token(tap_page)}
    )

    assert tapped.status_code == 200
    page = text(tapped)
    assert '<html lang="es">' in page
    assert in_language("es", "Thank you. That's noted.") in page
    first.refresh_from_db()
    assert (first.state, first.quick_answer) == (State.ANSWERED, QuickAnswer.TENDER)
    assert first.answered_at is not None
    assert first.wants_contact is None
    assert first.details_added_at is None
    practitioner_page = text(as_alice.get(f"/clients/{carmen.pk}/"))
    assert "answered · “tender”" in followups(practitioner_page)[0]
    assert "One tap: “tender”" in visible(practitioner_page)

    # The page offers the fuller form; sent once, it adds the details.
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action is not None
    assert action.group(1) == path_of(links[QuickAnswer.TENDER]) + "more/"
    more = {"activation": "6", "emotions": ["tearful", "relieved"], "note": "Cried after lunch."}
    thanks = phone.post(action.group(1), more)

    assert thanks.status_code == 200
    assert in_language("es", "Thank you for checking in") in text(thanks)
    first.refresh_from_db()
    assert first.quick_answer == QuickAnswer.TENDER
    assert (first.activation, first.emotions, first.note) == (
        6,
        ["tearful", "relieved"],
        "Cried after lunch.",
    )
    details_at = first.details_added_at
    assert details_at is not None
    again = phone.post(action.group(1), {**more, "note": "Changed my mind."})
    assert again.status_code == 409
    first.refresh_from_db()
    assert (first.note, first.details_added_at) == ("Cried after lunch.", details_at)
    assert "Note: “Cried after lunch.”" in visible(text(as_alice.get(f"/clients/{carmen.pk}/")))

    # Nothing more is due: a second worker sends nothing.
    run_worker(port)

    assert len(inbox.messages) == 1
    assert Delivery.objects.count() == 1


@pytest.mark.usefixtures("transactional_db")
def test_a_worker_sends_nothing_before_its_time(
    sink: tuple[Inbox, int], as_alice: HttpClient, alice: Practitioner
) -> None:
    inbox, port = sink
    dana = factories.ClientFactory(practitioner=alice, email="dana@example.com", timezone="UTC")
    dana.quiet_start = dana.quiet_end = dt.time(0, 0)
    dana.save()
    log(as_alice, dana, timezone.now() - dt.timedelta(minutes=30), intensity="intense")

    run_worker(port)

    assert inbox.messages == []
    assert set(CheckIn.objects.values_list("state", flat=True)) == {State.SCHEDULED}


# In-process: the rhythm over days

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
SESSION_AT = dt.datetime(2026, 5, 12, 8, 0, tzinfo=dt.UTC)  # 10:00 in Madrid
FIRST_DUE = dt.datetime(2026, 5, 13, 8, 0, tzinfo=dt.UTC)  # gentle: +1d, 10:00 in Madrid


@pytest.fixture
def clock(db: None) -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def gentle(clock: Any, as_alice: HttpClient, dana: Client) -> Session:
    return log(as_alice, dana, SESSION_AT, intensity="gentle")


def first_checkin(session: Session) -> CheckIn:
    return CheckIn.objects.get(session=session, sequence=1)


def test_an_unanswered_check_in_gets_one_gentle_reminder_never_in_quiet_hours(
    clock: Any, gentle: Session, smtp_inbox: Inbox, as_alice: HttpClient, dana: Client
) -> None:
    checkin = first_checkin(gentle)
    assert settings.CHECKIN_REMIND_AFTER_HOURS == 20
    assert checkin.due_at == FIRST_DUE

    clock.move_to(FIRST_DUE - dt.timedelta(minutes=1))
    dispatch()
    assert smtp_inbox.messages == []

    clock.move_to(FIRST_DUE)
    dispatch()
    [first] = smtp_inbox.messages
    assert first["Subject"] == "How are you, Dana Fox?"
    assert "Alice Moreno asked Tend to check in with you." in smtp_inbox.text(first)

    # 20 hours on it is 06:00 in Madrid, inside Dana's quiet hours: the nudge waits.
    clock.move_to(FIRST_DUE + dt.timedelta(hours=21, minutes=59))
    dispatch()
    assert len(smtp_inbox.messages) == 1

    clock.move_to(FIRST_DUE + dt.timedelta(hours=22))  # 08:00 in Madrid
    dispatch()
    [_, reminder] = smtp_inbox.messages
    assert reminder["Subject"] == "No rush: how are you, Dana Fox?"
    body = smtp_inbox.text(reminder)
    assert "Just a gentle nudge, in case the last message got lost." in body
    assert "Alice Moreno would like to know how you are." in body
    assert "Today's session was a gentle one." not in body  # guidance came the first time
    assert reminder["Message-ID"] != first["Message-ID"]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    clock.move_to(FIRST_DUE + dt.timedelta(hours=40))
    dispatch()
    assert len(smtp_inbox.messages) == 2  # one reminder, never two

    # Two days after it went out, the window closes: missed, quietly.
    clock.move_to(FIRST_DUE + dt.timedelta(hours=settings.CHECKIN_WINDOW_HOURS))
    dispatch()
    assert len(smtp_inbox.messages) == 2
    checkin.refresh_from_db()
    assert checkin.state == State.MISSED
    lines = followups(text(as_alice.get(f"/clients/{dana.pk}/")))
    assert lines == [
        "Wed 13 May, 10:00 (Madrid time) missed (reminded once)",
        "Tue 19 May, 10:00 (Madrid time) scheduled",
    ]

    # A late answer is still welcome while the link lasts.
    late = tap(HttpClient(), answer_links(smtp_inbox, reminder)[QuickAnswer.SETTLED])
    assert late.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.state, checkin.quick_answer) == (State.ANSWERED, QuickAnswer.SETTLED)


def subjects(inbox: Inbox) -> list[str]:
    return [str(m["Subject"]) for m in inbox.messages]


@pytest.mark.parametrize("quiet_hours_changed", [False, True], ids=["as-logged", "refitted"])
def test_no_reminder_when_the_next_check_in_follows_close_behind(
    clock: Any, as_alice: HttpClient, dana: Client, smtp_inbox: Inbox, quiet_hours_changed: bool
) -> None:
    """Intense: 3h, 1d, 2d, 4d, 7d. The +3h nudge would go at 09:00 on Wednesday, an hour
    before the +1d check-in; the +1d one at 08:00 on Thursday, two hours before the +2d.
    Each would be a second email just before the next: Dana gets the next one instead."""
    session = log(as_alice, dana, SESSION_AT, intensity="intense")
    if quiet_hours_changed:  # moving check-ins to new quiet hours keeps to the same rule
        signed_in_as(dana).post(
            "/c/preferences/",
            {
                "language": "en",
                "timezone": "Europe/Madrid",
                "quiet_start": "21:00",
                "quiet_end": "07:30",
            },
        )
    hi, nudge = "How are you, Dana Fox?", "No rush: how are you, Dana Fox?"
    three_hours, one_day, two_days, *_ = CheckIn.objects.filter(session=session).order_by(
        "sequence"
    )

    clock.move_to(three_hours.due_at)
    dispatch()
    clock.move_to(one_day.due_at - dt.timedelta(minutes=1))  # past +3h's 20 hours
    dispatch()
    assert subjects(smtp_inbox) == [hi]

    clock.move_to(one_day.due_at)
    dispatch()
    clock.move_to(two_days.due_at - dt.timedelta(minutes=1))  # past +1d's 20 hours
    dispatch()
    assert subjects(smtp_inbox) == [hi, hi]

    # The +2d check-in has two days to the next: its reminder goes, out of quiet hours.
    clock.move_to(two_days.due_at)
    dispatch()
    clock.move_to(two_days.due_at + dt.timedelta(hours=20))  # 06:00 in Madrid: quiet
    dispatch()
    assert subjects(smtp_inbox) == [hi, hi, hi]
    clock.move_to(two_days.due_at + dt.timedelta(hours=22))  # 08:00 in Madrid
    dispatch()
    assert subjects(smtp_inbox) == [hi, hi, hi, nudge]
    reminded = CheckIn.objects.filter(session=session).exclude(reminded_at=None)
    assert list(reminded.values_list("sequence", flat=True)) == [3]


def test_a_reminder_keeps_out_of_quiet_hours_the_client_sets_after_the_check_in(
    clock: Any, gentle: Session, smtp_inbox: Inbox, dana: Client
) -> None:
    clock.move_to(FIRST_DUE)
    dispatch()
    clock.move_to(FIRST_DUE + dt.timedelta(hours=3))
    signed_in_as(dana).post(
        "/c/preferences/",
        {
            "language": "en",
            "timezone": "Europe/Madrid",
            "quiet_start": "21:00",
            "quiet_end": "09:30",
        },
    )

    clock.move_to(FIRST_DUE + dt.timedelta(hours=22))  # 08:00 in Madrid: quiet now
    dispatch()
    assert len(smtp_inbox.messages) == 1

    clock.move_to(FIRST_DUE + dt.timedelta(hours=23, minutes=30))  # 09:30 in Madrid
    dispatch()
    assert smtp_inbox.messages[-1]["Subject"] == "No rush: how are you, Dana Fox?"


def test_an_answered_check_in_gets_no_reminder_and_is_never_missed(
    clock: Any, gentle: Session, smtp_inbox: Inbox
) -> None:
    clock.move_to(FIRST_DUE)
    dispatch()
    [message] = smtp_inbox.messages
    clock.move_to(FIRST_DUE + dt.timedelta(hours=2))
    assert (
        tap(HttpClient(), answer_links(smtp_inbox, message)[QuickAnswer.SETTLED]).status_code == 200
    )

    for hours in (20, 22, 30, 48, 60):
        clock.move_to(FIRST_DUE + dt.timedelta(hours=hours))
        dispatch()

    assert len(smtp_inbox.messages) == 1
    checkin = first_checkin(gentle)
    assert (checkin.state, checkin.quick_answer) == (State.ANSWERED, QuickAnswer.SETTLED)
    assert checkin.reminded_at is None


def test_asking_to_be_reached_out_to_is_recorded_and_seen(
    clock: Any, gentle: Session, smtp_inbox: Inbox, as_alice: HttpClient, dana: Client
) -> None:
    clock.move_to(FIRST_DUE)
    dispatch()
    links = answer_links(smtp_inbox, smtp_inbox.messages[0])
    phone = HttpClient()

    page = text(tap(phone, links[QuickAnswer.REACH_OUT]))

    checkin = first_checkin(gentle)
    assert checkin.state == State.ANSWERED
    assert (checkin.quick_answer, checkin.wants_contact) == (QuickAnswer.REACH_OUT, True)
    assert "You said: “please reach out”. Alice Moreno will see it." in visible(page)
    assert "You don't have to hold this alone." in page
    client_page = visible(text(as_alice.get(f"/clients/{dana.pk}/")))
    assert "Would like you to reach out" in client_page
    # Saying more without answering the contact question again keeps the request.
    more = path_of(links[QuickAnswer.REACH_OUT]) + "more/"
    assert phone.post(more, {"activation": "8", "need": "A call."}).status_code == 200
    checkin.refresh_from_db()
    assert (checkin.wants_contact, checkin.activation, checkin.need) == (True, 8, "A call.")


def test_only_the_first_check_in_carries_the_guidance(
    clock: Any, as_alice: HttpClient, dana: Client, smtp_inbox: Inbox
) -> None:
    session = log(as_alice, dana, SESSION_AT, intensity="intense")  # 3h, 1d, 2d, 4d, 7d
    second = CheckIn.objects.get(session=session, sequence=2)

    clock.move_to(second.due_at)
    dispatch()

    one, two = [m for m in smtp_inbox.messages if m["Subject"] == "How are you, Dana Fox?"]
    assert "Today's session went deep." in smtp_inbox.text(one)
    assert "Today's session went deep." in html.unescape(smtp_inbox.html(one))
    assert "Today's session went deep." not in smtp_inbox.text(two)
    assert "Today's session went deep." not in html.unescape(smtp_inbox.html(two))


def test_the_practices_own_words_reach_the_client_in_their_language(
    clock: Any, alice: Practitioner, as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    AftercarePlan.objects.create(
        practice=alice.practice,
        intensity="moderate",
        hours=[2, 24],
        guidance={"en": "Keep the evening slow.", "es": "Que la tarde sea lenta."},
    )
    session = log(as_alice, carmen, NOW, intensity="moderate")

    clock.move_to(first_checkin(session).due_at)
    dispatch()

    [message] = smtp_inbox.to("carmen@example.com")
    assert "Que la tarde sea lenta." in smtp_inbox.text(message)
    assert "Keep the evening slow." not in smtp_inbox.text(message)


def test_each_check_in_email_carries_the_plans_practices_one_tap_away(
    clock: Any, alice: Practitioner, as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    from tend.integration.models import Exercise, ExerciseDone

    chosen = Exercise.objects.get(practice=None, key="a-slow-walk")
    plan = AftercarePlan.objects.create(
        practice=alice.practice, intensity="moderate", hours=[2, 24]
    )
    plan.exercises.set([chosen])
    session = log(as_alice, carmen, NOW, intensity="moderate")

    for checkin in CheckIn.objects.filter(session=session).order_by("sequence"):
        clock.move_to(checkin.due_at)
        dispatch()
    first, second = smtp_inbox.to("carmen@example.com")

    title = chosen.words("es")["title"]
    for message in (first, second):
        assert "Algo para hoy, si te ayuda" in smtp_inbox.text(message)
        assert title in smtp_inbox.text(message)
        assert title in html.unescape(smtp_inbox.html(message))
    [link] = [url for url in smtp_inbox.links(first) if "/p/" in url]
    phone = HttpClient()  # not signed in
    opened = phone.get(path_of(link))
    assert opened.status_code == 200
    assert title in text(opened)
    phone.post(path_of(link))
    assert ExerciseDone.objects.filter(client=carmen, exercise=chosen).count() == 1


def test_guidance_written_for_the_session_is_what_the_client_reads(
    clock: Any, as_alice: HttpClient, dana: Client, smtp_inbox: Inbox
) -> None:
    session = log(
        as_alice, dana, NOW, intensity="gentle", guidance="Walk by the sea if you can.", plan="1h"
    )

    clock.move_to(first_checkin(session).due_at)
    dispatch()

    body = smtp_inbox.text(smtp_inbox.messages[0])
    assert "Walk by the sea if you can." in body
    assert "Today's session was a gentle one." not in body


def test_a_paused_client_hears_nothing_until_the_pause_ends_and_then_once(
    clock: Any, gentle: Session, smtp_inbox: Inbox, as_alice: HttpClient, dana: Client
) -> None:
    clock.move_to(FIRST_DUE - dt.timedelta(hours=1))  # 09:00 in Madrid
    signed_in_as(dana).post("/c/followup/", {"action": "pause_1"})
    resume = pauses.resumes_at(Client.objects.get(pk=dana.pk))
    assert resume is not None

    clock.move_to(FIRST_DUE)
    dispatch()

    assert smtp_inbox.messages == []
    checkin = first_checkin(gentle)
    assert (checkin.state, checkin.due_at) == (State.SCHEDULED, resume)

    # When the quiet day is over, the check-in that waited goes out, once.
    clock.move_to(resume)
    dispatch()
    dispatch()
    [message] = smtp_inbox.messages
    assert message["Subject"] == "How are you, Dana Fox?"
    assert first_checkin(gentle).state == State.SENT


def test_check_ins_that_fall_in_a_long_pause_become_one_when_it_ends(
    clock: Any, gentle: Session, smtp_inbox: Inbox, as_alice: HttpClient, dana: Client
) -> None:
    clock.move_to(FIRST_DUE - dt.timedelta(hours=1))
    signed_in_as(dana).post("/c/followup/", {"action": "pause_7"})
    resume = pauses.resumes_at(Client.objects.get(pk=dana.pk))
    assert resume is not None

    for day in range(7):  # the whole pause: both check-ins fall in it
        clock.move_to(FIRST_DUE + dt.timedelta(days=day))
        assert timezone.now() < resume
        dispatch()
    assert smtp_inbox.messages == []
    states = [c.state for c in CheckIn.objects.filter(session=gentle).order_by("sequence")]
    assert states == [State.CANCELLED, State.SCHEDULED]
    assert followups(text(as_alice.get(f"/clients/{dana.pk}/")))[0].endswith(
        "cancelled (the client paused follow-up)"
    )

    clock.move_to(resume)
    dispatch()
    assert len(smtp_inbox.messages) == 1


def test_a_pause_that_starts_after_the_check_in_went_out_holds_back_the_reminder(
    clock: Any, gentle: Session, smtp_inbox: Inbox, dana: Client
) -> None:
    clock.move_to(FIRST_DUE)
    dispatch()
    clock.move_to(FIRST_DUE + dt.timedelta(hours=21))
    signed_in_as(dana).post("/c/followup/", {"action": "pause_3"})

    clock.move_to(FIRST_DUE + dt.timedelta(hours=22))
    dispatch()

    assert len(smtp_inbox.messages) == 1
    assert first_checkin(gentle).state == State.SENT  # still answerable


def test_a_client_who_stopped_emails_answers_in_the_app_instead(
    clock: Any, gentle: Session, smtp_inbox: Inbox, dana: Client
) -> None:
    as_dana = signed_in_as(dana)
    as_dana.post("/c/followup/", {"action": "stop_emails"})

    clock.move_to(FIRST_DUE)
    dispatch()
    clock.move_to(FIRST_DUE + dt.timedelta(hours=22))
    dispatch()

    assert smtp_inbox.messages == []
    assert not Delivery.objects.exists()
    checkin = first_checkin(gentle)
    assert checkin.state == State.SENT  # open, waiting in the app

    home = visible(text(as_dana.get("/c/")))
    assert "Alice Moreno asked how you are yesterday." in home  # on Wednesday; now Thursday
    response = as_dana.post("/c/checkin/", {"activation": "3", "note": "Quiet day, all good."})

    assert response["Location"] == f"/c/checkin/{checkin.pk}/thanks/"
    assert CheckIn.objects.filter(client=dana).count() == 2  # no new row
    checkin.refresh_from_db()
    assert (checkin.state, checkin.activation, checkin.note) == (
        State.ANSWERED,
        3,
        "Quiet day, all good.",
    )
    assert checkin.session == gentle


def test_checking_in_from_home_answers_the_check_in_that_was_emailed(
    clock: Any, gentle: Session, smtp_inbox: Inbox, dana: Client
) -> None:
    clock.move_to(FIRST_DUE)
    dispatch()
    clock.move_to(FIRST_DUE + dt.timedelta(hours=1))

    signed_in_as(dana).post("/c/checkin/", {"activation": "2"})

    checkin = first_checkin(gentle)
    assert (checkin.state, checkin.activation) == (State.ANSWERED, 2)
    assert CheckIn.objects.filter(client=dana).count() == 2
    # A tap from the email afterwards is a later answer: kept beside the first, not refused.
    links = answer_links(smtp_inbox, smtp_inbox.messages[0])
    phone = HttpClient()
    assert phone.post(path_of(links[QuickAnswer.SETTLED])).status_code == 200
    checkin.refresh_from_db()
    assert (checkin.quick_answer, checkin.activation) == (QuickAnswer.SETTLED, 2)
    # The same tap again changes nothing, and says so kindly.
    again = phone.get(path_of(links[QuickAnswer.SETTLED]))
    assert again.status_code == 409
    assert "We already have this answer" in text(again)
