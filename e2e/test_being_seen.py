"""Being seen, end to end, in a real browser.

A client writes words that may mean danger. Her confirmation page shows the crisis lines
for her country straight away. Her practitioner's queue shows her first, with the reason;
the practitioner acknowledges with a reply; the client sees "seen" and the reply, and the
reply reaches her inbox too. Every page is checked with axe.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tend.checkins import answer_links
from tend.checkins import services as checkins
from tend.clients import links
from tests import factories, smtp
from tests.worker.rounds import run_worker

if TYPE_CHECKING:
    from e2e.conftest import Accessibility

from e2e.conftest import at_the_desk
from e2e.test_newcomer_path import PHONE, watch

pytestmark = pytest.mark.browser

URGENT_NOTE = "I can't do this anymore. I'm going to kill myself tonight."
REPLY = "I'm here, Dana. I'm calling you in five minutes. Please pick up."


def test_an_urgent_note_is_seen_and_answered(
    browser: Browser, live_server: Any, smtp_inbox: smtp.Inbox, a11y: Accessibility
) -> None:
    alice = factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    dana = factories.ClientFactory(
        practitioner=alice, name="Dana Fox", email="dana@example.com", timezone="America/New_York"
    )
    # Someone else already waiting, less pressingly, so "at the top" means something.
    eve = factories.ClientFactory(practitioner=alice, name="Eve Lane", email="eve@example.com")
    with_activation = {"activation": 8, "wants_contact": "", "note": "", "need": ""}
    checkins.checkin_answer(client=eve, data=with_activation)
    factories.SessionFactory(client=dana, starts_at=timezone.now() - dt.timedelta(days=1))
    failures: list[str] = []

    # The client, on a phone.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    phone.set_default_timeout(10_000)
    client = phone.new_page()
    watch(client, failures)
    client.goto(links.link_create(client=dana))
    client.locator("main").get_by_role("button").click()
    expect(client.get_by_role("heading", name="How are you right now?")).to_be_visible()
    help_link = client.get_by_role("link", name="Need help now?")
    expect(help_link).to_be_visible()
    client.locator("input[name=activation][value='9']").check()
    client.locator("textarea[name=note]").fill(URGENT_NOTE)
    client.locator("form.checkin button.button-big").click()

    # Straight away, whatever happens to any email: the lines for her country.
    crisis = client.locator("#crisis-resources")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")
    expect(client.locator("a[href^='tel:']").first).to_be_visible()
    a11y.check(client, "client: thank you, with crisis lines")

    # The practitioner, at a desk.
    page = at_the_desk(browser, live_server, "alice@example.com", failures)
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs you now")
    first = page.locator(".queue-item").first
    expect(first).to_contain_text("Dana Fox")
    expect(first).to_contain_text("Urgent")
    expect(first).to_contain_text("wrote words that may mean danger")
    expect(first.get_by_role("img")).to_have_accessible_name(
        "Activation since the session on "
        + timezone.localtime(timezone.now() - dt.timedelta(days=1)).strftime("%-d %b")
        + ", out of 10: 9."
    )
    expect(page.locator(".queue-item").nth(1)).to_contain_text("Eve Lane")
    a11y.check(page, "practitioner: needs you now")

    first.locator("summary").click()
    first.get_by_label("Reply to Dana Fox (optional)").fill(REPLY)
    first.get_by_role("button", name="Acknowledge Dana Fox").click()
    expect(page.get_by_role("status")).to_contain_text("your reply is on its way to Dana Fox")
    expect(page.locator(".queue-item")).to_have_count(1)
    expect(page.locator(".queue-item")).to_contain_text("Eve Lane")
    a11y.check(page, "practitioner: after acknowledging")

    # The client sees she was seen, by whom, and the reply, which comes first on her page.
    client.goto(f"{live_server.url}/c/")
    recent = client.locator(".recent li").first
    expect(recent).to_contain_text("Seen by Alice Moreno")
    first_card = client.locator("main section.card").first
    expect(first_card).to_contain_text("From Alice Moreno")
    expect(first_card).to_contain_text(REPLY)
    a11y.check(client, "client: seen, with the reply")
    help_link = client.get_by_role("link", name="Need help now?")
    help_link.click()
    expect(client.locator("main")).to_contain_text("988")
    a11y.check(client, "client: help")

    run_worker()  # what `tend worker` does next: the reply's email
    [email] = smtp_inbox.to("dana@example.com")
    assert REPLY in smtp.Inbox.text(email)

    phone.close()
    page.context.close()
    assert not failures, "\n".join(failures)
    a11y.assert_clean()


def test_opening_a_check_in_in_a_browser_marks_it_seen_once_shown(
    browser: Browser, live_server: Any
) -> None:
    """The page's own script posts "seen" (a GET records nothing): the practitioner reads
    that it is marked, and the client sees who saw it."""
    alice = factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    dana = factories.ClientFactory(practitioner=alice, name="Dana Fox", email="dana@example.com")
    checkin = checkins.checkin_answer(
        client=dana, data={"activation": 4, "wants_contact": "", "note": "", "need": ""}
    )
    failures: list[str] = []
    page = at_the_desk(browser, live_server, "alice@example.com", failures)
    page.goto(f"/checkins/{checkin.pk}/")
    expect(page.get_by_role("status")).to_have_text(
        "Seen by Alice Moreno, just now. The client sees this too."
    )
    checkin.refresh_from_db()
    assert checkin.seen_by == alice
    assert failures == []


def test_one_tap_in_an_email_is_one_tap_in_a_browser(browser: Browser, live_server: Any) -> None:
    """The tap page sends itself (its script is one of Tend's own files, as the policy
    asks), and the client lands on the thanks without pressing anything more."""
    alice = factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    dana = factories.ClientFactory(practitioner=alice, name="Dana Fox", email="dana@example.com")
    checkin = factories.CheckInFactory(client=dana, state="sent", answered_at=None, activation=None)
    failures: list[str] = []
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    watch(page, failures)
    path = urlsplit(answer_links.answer_url(checkin.pk, "settled")).path
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. That's noted.")
    checkin.refresh_from_db()
    assert checkin.quick_answer == "settled"
    assert failures == []
