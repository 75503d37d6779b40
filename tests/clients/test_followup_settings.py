"""A client's say over follow-up: a quiet day, a pause, stopping emails, and coming back."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client as HttpClient

from tend.checkins import answer_links
from tend.checkins.models import CheckIn, State
from tend.clients import email_links
from tend.clients.models import Client
from tests.conftest import signed_in_as
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
SENT_AT = dt.datetime(2026, 5, 13, 8, 0, tzinfo=dt.UTC)  # Wednesday, 10:00 in Madrid
END_OF_THAT_DAY = dt.datetime(2026, 5, 13, 22, 0, tzinfo=dt.UTC)  # midnight in Madrid
END_OF_NEXT_DAY = END_OF_THAT_DAY + dt.timedelta(days=1)


@pytest.fixture
def clock(db: None) -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def receive_checkin(http: HttpClient, client: Client, clock: Any, inbox: Inbox) -> EmailMessage:
    """Log a gentle session, let the worker send its first check-in, return that email."""
    response = http.post(
        f"/sessions/new/{client.pk}/",
        {"starts_at": "2026-05-12T08:00", "modality": "coaching", "intensity": "gentle"},
    )
    assert response.status_code == 302
    clock.move_to(SENT_AT)
    run_worker()
    [message] = inbox.to(client.email)
    return message


@pytest.fixture
def email(clock: Any, as_alice: HttpClient, dana: Client, smtp_inbox: Inbox) -> EmailMessage:
    return receive_checkin(as_alice, dana, clock, smtp_inbox)


def link(inbox: Inbox, message: EmailMessage, kind: str) -> str:
    """The quiet-day or stop link at the foot of the email, as a path."""
    [url] = [u for u in inbox.links(message) if f"/c/emails/{kind}/" in u]
    return url.removeprefix(settings.SITE_URL)


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def state(client: Client) -> tuple[Any, Any]:
    client.refresh_from_db()
    return client.paused_until, client.emails_stopped_at


def tamper(path: str) -> str:
    token = path.split("/")[-2]
    value, signature = token.rsplit(":", 1)
    i = len(signature) // 2
    swapped = "B" if signature[i] != "B" else "C"
    return path.replace(token, f"{value}:{signature[:i]}{swapped}{signature[i + 1 :]}")


# A quiet day, from the email


def test_the_quiet_day_link_asks_first_then_pauses_until_the_end_of_the_clients_day(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client
) -> None:
    path = link(smtp_inbox, email, "quiet")
    phone = HttpClient()

    asked = phone.get(path)

    assert asked.status_code == 200
    assert "Would you like a quiet day?" in text(asked)
    assert "Tend won't send you anything for the rest of today." in text(asked)
    assert state(dana) == (None, None)  # opening the link (or a mail scanner) changes nothing

    done = phone.post(path)

    assert done.status_code == 200
    page = visible(text(done))
    assert "Enjoy the quiet" in page
    # The pause ends at midnight; the first moment after it outside her quiet hours (21:00
    # to 08:00) is what she is told.
    assert "You'll hear from Tend again no earlier than Thu 14 May, 08:00 (Madrid time)" in page
    assert "midnight" not in page
    assert state(dana) == (END_OF_THAT_DAY, None)


@pytest.mark.parametrize(
    ("asked_at", "until", "shown"),
    [
        # 17:59 in Madrid: the rest of today is quiet.
        (dt.datetime(2026, 5, 13, 15, 59), END_OF_THAT_DAY, "Thu 14 May, 08:00 (Madrid time)"),
        # From 18:00 in Madrid there is little of today left: tomorrow is quiet too.
        (dt.datetime(2026, 5, 13, 16, 0), END_OF_NEXT_DAY, "Fri 15 May, 08:00 (Madrid time)"),
        (
            dt.datetime(2026, 5, 13, 21, 30),
            END_OF_NEXT_DAY,
            "Fri 15 May, 08:00 (Madrid time)",
        ),  # 23:30
    ],
    ids=["17:59", "18:00", "23:30"],
)
def test_a_quiet_day_asked_for_in_the_evening_covers_the_next_day_too(
    email: EmailMessage,
    smtp_inbox: Inbox,
    dana: Client,
    clock: Any,
    asked_at: dt.datetime,
    until: dt.datetime,
    shown: str,
) -> None:
    clock.move_to(asked_at.replace(tzinfo=dt.UTC))

    done = HttpClient().post(link(smtp_inbox, email, "quiet"))

    assert state(dana) == (until, None)
    assert f"You'll hear from Tend again no earlier than {shown}." in visible(text(done))


def test_a_quiet_day_asked_for_after_midnight_ends_that_same_night(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, clock: Any
) -> None:
    clock.move_to(dt.datetime(2026, 5, 13, 22, 30, tzinfo=dt.UTC))  # Thursday, 00:30 in Madrid

    HttpClient().post(link(smtp_inbox, email, "quiet"))

    assert state(dana) == (END_OF_NEXT_DAY, None)  # midnight at the end of Thursday


def test_an_old_quiet_day_link_changes_nothing(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, clock: Any
) -> None:
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS, hours=1))

    response = HttpClient().post(link(smtp_inbox, email, "quiet"))

    assert response.status_code == 400
    assert state(dana) == (None, None)


def test_a_quiet_day_is_set_in_the_clients_language(
    clock: Any, as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    message = receive_checkin(as_alice, carmen, clock, smtp_inbox)

    response = HttpClient().post(link(smtp_inbox, message, "quiet"))

    assert response.status_code == 200
    assert '<html lang="es">' in text(response)
    assert "jue 14 may, 08:00 (hora de Madrid)" in text(response)
    assert "May 14" not in text(response)
    assert state(carmen)[0] is not None


# Stopping emails, from the email


def test_the_stop_link_asks_first_then_stops_the_emails(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, clock: Any
) -> None:
    path = link(smtp_inbox, email, "stop")
    phone = HttpClient()

    asked = phone.get(path)

    page = visible(text(asked))
    assert asked.status_code == 200
    assert "Stop follow-up emails?" in page
    assert "Alice Moreno will still be there, and you can check in from your space" in page
    assert state(dana) == (None, None)

    done = phone.post(path)

    assert done.status_code == 200
    assert "Done. No more follow-up emails." in text(done)
    assert state(dana) == (None, SENT_AT)

    # The next check-in waits in the app instead of arriving by email.
    clock.move_to(SENT_AT + dt.timedelta(days=6))
    run_worker()
    assert len(smtp_inbox.messages) == 1
    assert CheckIn.objects.get(client=dana, sequence=2).state == State.SENT


def test_one_click_unsubscribe_works_without_a_cookie_or_form(
    email: EmailMessage, dana: Client
) -> None:
    """RFC 8058: the mail provider POSTs this body to the List-Unsubscribe address."""
    url = str(email["List-Unsubscribe"]).strip("<>")
    provider = HttpClient(enforce_csrf_checks=True)

    response = provider.post(
        url.removeprefix(settings.SITE_URL),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert state(dana) == (None, SENT_AT)


def test_the_stop_link_keeps_working_long_after_the_email(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, clock: Any
) -> None:
    clock.move_to(SENT_AT + dt.timedelta(days=400))

    response = HttpClient(enforce_csrf_checks=True).post(
        link(smtp_inbox, email, "stop"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert state(dana)[1] == SENT_AT + dt.timedelta(days=400)


def test_stopping_twice_keeps_the_first_time(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, clock: Any
) -> None:
    path = link(smtp_inbox, email, "stop")
    HttpClient().post(path)
    clock.shift(dt.timedelta(days=1))

    assert HttpClient().post(path).status_code == 200
    assert state(dana) == (None, SENT_AT)


# Tampered and forged links


@pytest.mark.parametrize("kind", ["quiet", "stop"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_changes_nothing(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, kind: str, method: str
) -> None:
    path = tamper(link(smtp_inbox, email, kind))

    response = getattr(HttpClient(), method)(path)

    page = visible(text(response))
    assert response.status_code == 400
    assert "This link doesn't look right" in page
    assert "so nothing was changed" in page
    assert state(dana) == (None, None)


def test_another_clients_link_cannot_be_made_from_ones_own(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client, carmen: Client
) -> None:
    """Dana rewrites the client id inside her own stop link to stop Carmen's emails."""
    path = link(smtp_inbox, email, "stop")
    token = path.split("/")[-2]
    value, rest = token.split(":", 1)
    payload = signing.b64_decode(value.encode()).decode()
    assert payload == f'[{dana.pk},"stop"]'
    forged = signing.b64_encode(f'[{carmen.pk},"stop"]'.encode()).decode()

    for method in ("get", "post"):
        response = getattr(HttpClient(), method)(path.replace(token, f"{forged}:{rest}"))
        assert response.status_code == 400

    assert state(carmen) == (None, None)
    assert state(dana) == (None, None)


def test_a_link_for_one_thing_cannot_do_another(
    email: EmailMessage, smtp_inbox: Inbox, dana: Client
) -> None:
    quiet = link(smtp_inbox, email, "quiet").split("/")[-2]
    stop = link(smtp_inbox, email, "stop").split("/")[-2]
    answer = answer_links.answer_url(1, "settled").split("/")[-2]
    signed_elsewhere = signing.dumps([dana.pk, email_links.STOP], salt="another.salt")

    for path in (
        f"/c/emails/stop/{quiet}/",
        f"/c/emails/quiet/{stop}/",
        f"/c/emails/stop/{answer}/",
        f"/c/emails/stop/{signed_elsewhere}/",
        "/c/emails/stop/x/",
        "/c/emails/quiet/" + "a" * 2000 + "/",
    ):
        assert HttpClient().post(path).status_code == 400, path

    assert state(dana) == (None, None)


# The client's settings page


@pytest.fixture
def as_dana(clock: Any, dana: Client) -> HttpClient:
    clock.move_to(SENT_AT)
    return signed_in_as(dana)


def followup_section(http: HttpClient) -> str:
    page = visible(text(http.get("/c/preferences/")))
    return page[page.index("Follow-up") :]


def test_the_settings_page_offers_a_pause_and_a_way_to_stop_emails(as_dana: HttpClient) -> None:
    section = followup_section(as_dana)

    assert "Need some space? Pause follow-up for a while" in section
    assert "A quiet day" in section
    assert "Three days" in section
    assert "A week" in section
    assert "Stop follow-up emails" in section


@pytest.mark.parametrize(
    ("action", "until", "shown"),
    [
        ("pause_1", END_OF_THAT_DAY, "Thu 14 May, 08:00 (Madrid time)"),
        ("pause_3", END_OF_THAT_DAY + dt.timedelta(days=2), "Sat 16 May, 08:00 (Madrid time)"),
        ("pause_7", END_OF_THAT_DAY + dt.timedelta(days=6), "Wed 20 May, 08:00 (Madrid time)"),
    ],
)
def test_a_client_pauses_follow_up_and_sees_until_when(
    as_dana: HttpClient, dana: Client, action: str, until: dt.datetime, shown: str
) -> None:
    response = as_dana.post("/c/followup/", {"action": action})

    assert response["Location"] == "/c/preferences/"
    assert state(dana) == (until, None)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert "Paused. Rest well; nothing will arrive until then." in page
    assert f"Follow-up is paused. You'll hear from Tend again no earlier than {shown}." in page
    assert "Resume now" in page
    assert "Three days" not in page


@pytest.mark.parametrize(
    ("quiet", "shown"),
    [
        (("22:00", "07:15"), "Thu 14 May, 07:15 (Madrid time)"),
        (("00:00", "00:00"), "Thu 14 May, 00:00 (Madrid time)"),  # no quiet hours at all
        (("13:00", "15:00"), "Thu 14 May, 00:00 (Madrid time)"),  # midnight isn't quiet for her
    ],
    ids=["quiet-till-7:15", "never-quiet", "quiet-after-lunch"],
)
def test_the_pause_says_when_follow_up_can_first_arrive_given_her_quiet_hours(
    as_dana: HttpClient, dana: Client, quiet: tuple[str, str], shown: str
) -> None:
    saved = as_dana.post(
        "/c/preferences/",
        {
            "language": "en",
            "timezone": "Europe/Madrid",
            "quiet_start": quiet[0],
            "quiet_end": quiet[1],
        },
    )
    assert saved.status_code == 302

    as_dana.post("/c/followup/", {"action": "pause_1"})

    assert state(dana) == (END_OF_THAT_DAY, None)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert f"You'll hear from Tend again no earlier than {shown}." in page


def test_a_quiet_day_from_the_settings_page_in_the_evening_covers_the_next_day_too(
    as_dana: HttpClient, dana: Client, clock: Any
) -> None:
    clock.move_to(dt.datetime(2026, 5, 13, 17, 0, tzinfo=dt.UTC))  # 19:00 in Madrid

    as_dana.post("/c/followup/", {"action": "pause_1"})

    assert state(dana) == (END_OF_NEXT_DAY, None)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert "You'll hear from Tend again no earlier than Fri 15 May, 08:00 (Madrid time)" in page


def test_a_paused_spanish_client_reads_the_date_in_spanish(clock: Any, carmen: Client) -> None:
    """Carmen is in Madrid too: her three days end as Saturday begins, out of quiet hours at 8."""
    clock.move_to(SENT_AT)
    as_carmen = signed_in_as(carmen)

    as_carmen.post("/c/followup/", {"action": "pause_3"})

    page = text(as_carmen.get("/c/preferences/"))
    assert '<html lang="es">' in page
    assert "sáb 16 may, 08:00 (hora de Madrid)" in page
    assert "May 16" not in page
    assert "Reanudar ahora" in page


def test_a_client_resumes_follow_up(as_dana: HttpClient, dana: Client) -> None:
    as_dana.post("/c/followup/", {"action": "pause_7"})

    as_dana.post("/c/followup/", {"action": "resume"})

    assert state(dana) == (None, None)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert "Welcome back. Follow-up is on again." in page
    assert "Follow-up is paused" not in page


def test_a_pause_that_has_ended_reads_as_no_pause(
    as_dana: HttpClient, dana: Client, clock: Any
) -> None:
    as_dana.post("/c/followup/", {"action": "pause_1"})
    clock.move_to(END_OF_THAT_DAY + dt.timedelta(minutes=1))

    section = followup_section(as_dana)

    assert "Follow-up is paused" not in section
    assert "A quiet day" in section


def test_a_client_stops_and_restarts_emails(as_dana: HttpClient, dana: Client) -> None:
    as_dana.post("/c/followup/", {"action": "stop_emails"})

    assert state(dana) == (None, SENT_AT)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert "No more follow-up emails. You can still check in here." in page
    assert "Follow-up emails are off. You can still check in here." in page
    assert "Turn emails on again" in page

    as_dana.post("/c/followup/", {"action": "restart_emails"})

    assert state(dana) == (None, None)
    page = visible(text(as_dana.get("/c/preferences/")))
    assert "Follow-up emails are on again." in page
    assert "Turn emails on again" not in page


@pytest.mark.parametrize("action", ["", "pause_2", "pause_365", "delete", "STOP_EMAILS"])
def test_an_unknown_choice_changes_nothing(as_dana: HttpClient, dana: Client, action: str) -> None:
    response = as_dana.post("/c/followup/", {"action": action})

    assert response["Location"] == "/c/preferences/"
    assert state(dana) == (None, None)
    assert "Please choose one of the options." in text(as_dana.get("/c/preferences/"))


def test_follow_up_settings_need_the_client_signed_in(clock: Any, dana: Client) -> None:
    response = HttpClient().post("/c/followup/", {"action": "stop_emails"})

    assert response["Location"] == "/c/signin/"
    assert state(dana) == (None, None)


def test_follow_up_settings_are_changed_with_a_form_not_a_link(as_dana: HttpClient) -> None:
    assert as_dana.get("/c/followup/").status_code == 405


def test_a_client_changes_only_their_own_settings(
    as_dana: HttpClient, dana: Client, carmen: Client
) -> None:
    as_dana.post("/c/followup/", {"action": "stop_emails", "client": str(carmen.pk)})

    assert state(carmen) == (None, None)
    assert state(dana)[1] is not None
