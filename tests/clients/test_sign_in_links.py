"""Clients sign in with emailed links that work once and for a limited time."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from tend.clients import links
from tend.clients.models import Client, SignInLink
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import factories
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    """What a person reads: the page with HTML entities turned back into characters."""
    return html.unescape(response.content.decode())


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def fresh_link_button(page: str, url: str) -> bool:
    return f'action="{path_of(url)}fresh/"' in page and "Send me a new link" in page


def test_a_link_signs_in_once_and_the_second_time_says_it_was_used(dana: Client) -> None:
    url = links.link_create(client=dana)

    first = HttpClient()
    assert first.post(url)["Location"] == "/c/"
    assert first.get("/c/").status_code == 200

    second = HttpClient().post(url)
    page = text(second)
    assert second.status_code == 410
    assert "This link has already been used" in page
    assert fresh_link_button(page, url)
    assert HttpClient().get("/c/")["Location"] == "/c/signin/"


def test_a_used_link_opened_again_by_the_same_person_offers_a_new_one(dana: Client) -> None:
    url = links.link_create(client=dana)
    http = HttpClient()
    http.post(url)

    again = http.get(url)

    assert again.status_code == 410
    assert fresh_link_button(text(again), url)


def test_an_expired_link_says_it_is_too_old_and_offers_a_new_one(dana: Client) -> None:
    url = links.link_create(client=dana)
    later = timezone.now() + dt.timedelta(hours=settings.CLIENT_LINK_HOURS, minutes=1)

    with time_machine.travel(later):
        opened = HttpClient().get(url)
        used = HttpClient().post(url)

    assert opened.status_code == 410
    assert "This link is too old now" in text(opened)
    assert fresh_link_button(text(opened), url)
    assert used.status_code == 410
    assert "This link is too old now" in text(used)
    assert HttpClient().get("/c/")["Location"] == "/c/signin/"


def test_a_link_still_works_just_before_it_runs_out(dana: Client) -> None:
    url = links.link_create(client=dana)
    almost = timezone.now() + dt.timedelta(hours=settings.CLIENT_LINK_HOURS, minutes=-1)

    with time_machine.travel(almost):
        response = HttpClient().post(url)

    assert response.status_code == 302
    assert response["Location"] == "/c/"


def test_the_new_link_button_emails_that_client_a_link_that_works(
    dana: Client, smtp_inbox: Inbox
) -> None:
    url = links.link_create(client=dana)
    HttpClient().post(url)
    fresh = path_of(url) + "fresh/"

    sent = HttpClient().post(fresh)

    assert sent.status_code == 200
    assert "Check your email" in text(sent)
    run_worker()
    [message] = smtp_inbox.messages
    assert message["To"] == "dana@example.com"
    assert "Hello Dana Fox," in smtp_inbox.text(message)
    [new_link] = smtp_inbox.links(message)
    assert new_link != url
    http = HttpClient()
    assert http.post(new_link)["Location"] == "/c/"
    assert "How are you right now?" in text(http.get("/c/"))


def test_the_new_link_button_on_an_expired_link_works_too(dana: Client, smtp_inbox: Inbox) -> None:
    url = links.link_create(client=dana)
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        assert HttpClient().post(path_of(url) + "fresh/").status_code == 200
        run_worker()
        [message] = smtp_inbox.to("dana@example.com")
        [new_link] = smtp_inbox.links(message)
        assert HttpClient().post(new_link)["Location"] == "/c/"


def test_the_new_link_email_is_in_the_clients_language(carmen: Client, smtp_inbox: Inbox) -> None:
    url = links.link_create(client=carmen)
    HttpClient().post(url)

    page = HttpClient().post(path_of(url) + "fresh/")

    run_worker()
    [message] = smtp_inbox.to("carmen@example.com")
    assert '<html lang="es">' in smtp_inbox.html(message)
    assert '<html lang="es">' in page.content.decode()


def test_the_new_link_button_cannot_be_opened_by_a_mail_scanner(
    dana: Client, smtp_inbox: Inbox
) -> None:
    url = links.link_create(client=dana)

    assert HttpClient().get(path_of(url) + "fresh/").status_code == 405
    run_worker()
    assert smtp_inbox.messages == []


def test_an_unknown_link_is_a_kind_page_not_an_error(smtp_inbox: Inbox) -> None:
    response = HttpClient().get("/c/signin/not-a-real-token/")
    posted = HttpClient().post("/c/signin/not-a-real-token/")
    fresh = HttpClient().post("/c/signin/not-a-real-token/fresh/")

    page = text(response)
    assert response.status_code == 404
    assert "We don't recognise this link" in page
    assert 'action="/c/signin/"' in page  # asks for an email instead
    assert "Send me a new link" not in page
    assert posted.status_code == 404
    assert fresh["Location"] == "/c/signin/"
    run_worker()
    assert smtp_inbox.messages == []


def test_opening_a_link_does_not_use_it_so_mail_scanners_cannot_spend_it(
    dana: Client,
) -> None:
    url = links.link_create(client=dana)

    scanner = HttpClient()
    for _ in range(3):
        page = scanner.get(url)
        assert page.status_code == 200
        assert "Welcome, Dana Fox" in text(page)
    assert SignInLink.objects.get().used_at is None
    assert scanner.get("/c/")["Location"] == "/c/signin/"

    assert HttpClient().post(url)["Location"] == "/c/"
    assert SignInLink.objects.get().used_at is not None


def test_signing_in_records_when_the_client_last_came(dana: Client) -> None:
    url = links.link_create(client=dana)
    moment = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)

    with time_machine.travel(moment, tick=False):
        HttpClient().post(url)

    dana.refresh_from_db()
    assert dana.last_signed_in_at == moment


def test_sign_in_page_answers_the_same_for_known_and_unknown_emails(
    dana: Client, smtp_inbox: Inbox
) -> None:
    known = HttpClient().post("/c/signin/", {"email": "Dana@Example.com"})
    unknown = HttpClient().post("/c/signin/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in text(known)
    assert known.content == unknown.content
    assert smtp_inbox.messages == []  # the worker sends it: the page never waits on mail
    run_worker()
    [message] = smtp_inbox.messages
    assert message["To"] == "dana@example.com"
    assert smtp_inbox.to("nobody@example.com") == []
    [link] = smtp_inbox.links(message)
    assert HttpClient().post(link)["Location"] == "/c/"


def test_sign_in_page_sends_to_every_practice_that_knows_the_email(
    dana: Client, bob: Practitioner, smtp_inbox: Inbox
) -> None:
    factories.ClientFactory(practitioner=bob, name="Dana at Bob's", email="dana@example.com")

    HttpClient().post("/c/signin/", {"email": "dana@example.com"})

    run_worker()
    greetings = {smtp_inbox.text(m).splitlines()[0] for m in smtp_inbox.to("dana@example.com")}
    assert greetings == {"Hello Dana Fox,", "Hello Dana at Bob's,"}


@pytest.mark.parametrize("email", ["", "not-an-email", "dana@", "a b@example.com"])
def test_sign_in_page_with_an_invalid_email_says_so_and_sends_nothing(
    dana: Client, smtp_inbox: Inbox, email: str
) -> None:
    response = HttpClient().post("/c/signin/", {"email": email})

    page = text(response)
    assert response.status_code == 200
    assert "Get a sign-in link" in page
    assert "This field is required." in page or "Enter a valid email address." in page
    assert "Check your email" not in page
    run_worker()
    assert smtp_inbox.messages == []


def test_sign_in_page_answers_at_once_even_when_email_cannot_be_sent(dana: Client) -> None:
    # The worker's mailer points at a port nobody listens on (tests/conftest.py).
    response = HttpClient().post("/c/signin/", {"email": "dana@example.com"})
    run_worker()

    # As for any address: the email waits and goes once the mail server is back
    # (tests/notify/test_outbox.py); saying otherwise would tell who has a space here.
    assert response.status_code == 200
    assert "Check your email" in text(response)
    waiting = Delivery.objects.get(client_id=dana.pk)
    assert (waiting.kind, waiting.state) == (Delivery.Kind.SIGN_IN, Delivery.State.QUEUED)
    assert waiting.error.startswith("cannot reach the mail server")


def test_a_client_can_sign_out(dana: Client) -> None:
    http = HttpClient()
    http.post(links.link_create(client=dana))
    assert http.get("/c/").status_code == 200

    response = http.post("/c/signout/")

    assert response["Location"] == "/c/signin/"
    assert http.get("/c/")["Location"] == "/c/signin/"
    assert http.get("/c/preferences/")["Location"] == "/c/signin/"


def test_signing_out_is_a_button_not_a_link(dana: Client) -> None:
    http = HttpClient()
    http.post(links.link_create(client=dana))

    assert http.get("/c/signout/").status_code == 405
    assert http.get("/c/").status_code == 200
    assert 'action="/c/signout/"' in text(http.get("/c/"))


def test_a_newer_link_stops_the_older_unused_ones(dana: Client) -> None:
    older = links.link_create(client=dana)
    also_older = links.link_create(client=dana)
    newest = links.link_create(client=dana)

    for url in (older, also_older):
        opened = HttpClient().get(url)
        page = text(opened)
        assert opened.status_code == 410
        assert "This link no longer works" in page
        assert fresh_link_button(page, url)
        refused = HttpClient()
        assert refused.post(url).status_code == 410
        assert refused.get("/c/")["Location"] == "/c/signin/"  # not signed in
    http = HttpClient()
    assert http.post(newest)["Location"] == "/c/"


def test_a_newer_link_leaves_one_already_used_as_it_was(dana: Client) -> None:
    used = links.link_create(client=dana)
    HttpClient().post(used)
    links.link_create(client=dana)
    assert "This link has already been used" in text(HttpClient().get(used))


def test_asking_for_links_again_and_again_sends_three_an_hour_to_one_client(
    dana: Client, smtp_inbox: Inbox
) -> None:
    start = timezone.now()
    for _ in range(8):
        page = HttpClient().post("/c/signin/", {"email": "dana@example.com"})
        assert "If we know that address" in text(page)  # the same answer: no one is revealed
    run_worker()
    assert len(smtp_inbox.to("dana@example.com")) == links.LINKS_PER_HOUR
    assert SignInLink.objects.filter(client=dana).count() == links.LINKS_PER_HOUR
    assert SignInLink.objects.filter(client=dana, replaced_at=None).count() == 1

    with time_machine.travel(start + dt.timedelta(minutes=61)):
        HttpClient().post("/c/signin/", {"email": "dana@example.com"})
        run_worker()
    assert len(smtp_inbox.to("dana@example.com")) == links.LINKS_PER_HOUR + 1


def test_the_new_link_button_says_when_it_can_send_again(dana: Client, smtp_inbox: Inbox) -> None:
    url = links.link_create(client=dana, purpose=SignInLink.Purpose.INVITATION)
    HttpClient().post(url)  # used: the page offers a new one
    fresh = path_of(url) + "fresh/"
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(links.LINKS_PER_HOUR):
            assert "If we know that address" in text(HttpClient().post(fresh))
        held = text(HttpClient().post(fresh))
    assert "We've already sent you several links in the last hour" in held
    assert "you can ask again from Tue 1 Dec, 11:00 (Madrid time)." in held  # her zone
    run_worker()
    assert len(smtp_inbox.to("dana@example.com")) == links.LINKS_PER_HOUR
