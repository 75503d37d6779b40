"""Nobody can make Tend send email without end: every page that sends one to an address
typed by someone counts, per address the requests come from and per recipient, in the
database (so every web process counts the same), and says when to try again."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.clients.models import Client
from tend.practices import limits
from tend.practices.models import Invitation, Practitioner, Tally
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
HERE, THERE = "203.0.113.7", "198.51.100.2"


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def browser(address: str) -> HttpClient:
    return HttpClient(REMOTE_ADDR=address)


def ask_link(address: str, email: str) -> Any:
    return browser(address).post("/c/signin/", {"email": email})


def ask_reset(address: str, email: str) -> Any:
    return browser(address).post("/password-reset/", {"email": email})


def paused(response: Any, minutes: int) -> bool:
    words = visible(response)
    return (
        response.status_code == 429
        and "Let's wait a little before sending another" in words
        and f"Please try again in {minutes} minutes" in words
    )


def test_one_address_asking_for_sign_in_links_is_paused_and_told_when(
    carmen: Client, smtp_inbox: Inbox
) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.CLIENT_LINKS_FROM.times - 1):
            assert ask_link(HERE, f"someone{n}@example.com").status_code == 200
        assert ask_link(HERE, carmen.email).status_code == 200
        refused = ask_link(HERE, carmen.email)
        assert paused(refused, 60)
        assert ask_link(THERE, carmen.email).status_code == 200  # another address may
    run_worker()
    assert [m["To"] for m in smtp_inbox.messages] == [carmen.email, carmen.email]
    with time_machine.travel(NOW + dt.timedelta(minutes=61), tick=False):
        assert ask_link(HERE, carmen.email).status_code == 200


def test_one_recipient_is_limited_whichever_address_asks(carmen: Client, smtp_inbox: Inbox) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.CLIENT_LINKS_TO.times):
            assert ask_link((HERE, THERE)[n % 2], carmen.email).status_code == 200
        assert paused(ask_link(THERE, carmen.email), 60)
        assert paused(ask_link(HERE, "Carmen@Example.com"), 60)
        # A stranger's address is as limited, and the page the same: it tells nobody who exists.
        for n in range(limits.CLIENT_LINKS_TO.times):
            ask_link((HERE, THERE)[n % 2] + "0", "nobody@example.com")
        assert visible(ask_link("192.0.2.1", "nobody@example.com")) == visible(
            ask_link("192.0.2.1", carmen.email)
        )


def test_the_count_is_kept_in_the_database_not_in_a_process(carmen: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.CLIENT_LINKS_TO.times):
            ask_link((HERE, THERE)[n % 2], carmen.email)
        # One row per address and recipient counted, and none holds either in the clear.
        assert Tally.objects.count() == 2 * limits.CLIENT_LINKS_TO.times
        keys = "".join(Tally.objects.values_list("key", flat=True))
        assert carmen.email not in keys and HERE not in keys
        assert paused(ask_link(HERE, carmen.email), 60)
        Tally.objects.all().delete()  # what every process reads: gone, so is the limit
        assert ask_link(HERE, carmen.email).status_code == 200


def test_password_resets_to_one_address_are_limited_from_anywhere(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.RESETS_TO.times):
            assert (
                ask_reset((HERE, THERE)[n % 2], alice.email)["Location"] == "/password-reset/sent/"
            )
        assert paused(ask_reset("192.0.2.1", alice.email), 60)
    run_worker()
    assert len(smtp_inbox.messages) == limits.RESETS_TO.times


def test_password_resets_from_one_address_are_limited(
    alice: Practitioner, smtp_inbox: Inbox
) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.RESETS_FROM.times):
            assert ask_reset(HERE, f"guess{n}@example.com").status_code == 302
        assert paused(ask_reset(HERE, alice.email), 60)
        assert ask_reset(THERE, alice.email).status_code == 302
    run_worker()
    assert [m["To"] for m in smtp_inbox.messages] == [alice.email]


def test_a_paused_password_reset_reads_the_same_for_an_unknown_address(
    alice: Practitioner,
) -> None:
    with time_machine.travel(NOW, tick=False):
        for email in (alice.email, "nobody@example.com"):
            for _ in range(limits.RESETS_TO.times):
                ask_reset(THERE, email)
        known, unknown = ask_reset(HERE, alice.email), ask_reset(HERE, "nobody@example.com")
        assert paused(known, 60) and visible(known) == visible(unknown)


@pytest.fixture
def admin(alice: Practitioner) -> Practitioner:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    return alice


def inviting(admin: Practitioner, address: str) -> HttpClient:
    http = browser(address)
    http.force_login(admin)
    return http


def invite(http: HttpClient, email: str) -> Any:
    return http.post("/team/invite/", {"email": email, "role": "member", "language": "en"})


def test_invitations_to_one_address_are_limited(admin: Practitioner, smtp_inbox: Inbox) -> None:
    here, there = inviting(admin, HERE), inviting(admin, THERE)
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.INVITATIONS_TO.times):
            assert invite((here, there)[n % 2], "luis@example.com")["Location"] == "/team/"
        assert paused(invite(there, "luis@example.com"), 60)
    assert Invitation.objects.count() == limits.INVITATIONS_TO.times
    run_worker()
    assert len(smtp_inbox.messages) == limits.INVITATIONS_TO.times


def test_a_practice_sends_a_limited_number_of_invitations_an_hour(admin: Practitioner) -> None:
    here, there = inviting(admin, HERE), inviting(admin, THERE)
    with time_machine.travel(NOW, tick=False):
        for n in range(limits.INVITATIONS_BY_PRACTICE.times):
            invite((here, there)[n % 2], f"colleague{n}@example.com")
        assert paused(invite(there, "one-more@example.com"), 60)
        assert not Invitation.objects.filter(email="one-more@example.com").exists()
    with time_machine.travel(NOW + dt.timedelta(minutes=61), tick=False):
        there.force_login(admin)  # back after the idle sign-out
        assert invite(there, "one-more@example.com")["Location"] == "/team/"
