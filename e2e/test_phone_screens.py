"""The screens a newcomer tripped on, on a 390 px phone in a real Chromium.

Each page fits the screen (no sideways scrolling); on the client's home, the check-in they
were asked for, or their practitioner's reply, is on the first screen. Needs you now updates
itself. Screenshots go to pytest's tmp dir, and to $TEND_SCREENSHOTS when set, for a person
to look at.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e.test_newcomer_path import watch
from tend.alerts import services as alert_services
from tend.alerts.models import Kind, Level
from tend.checkins.models import Reply, State
from tend.clients import links
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LONG_NOTE = (
    "We moved a lot today. Tonight, let things be slow: warm food, water, an early night. "
    "If tears come tomorrow, that is the work settling, not something going wrong. "
) * 3


class Screens:
    def __init__(self, tmp_path: Path) -> None:
        self.dirs = [tmp_path]
        if os.environ.get("TEND_SCREENSHOTS"):
            self.dirs.append(Path(os.environ["TEND_SCREENSHOTS"]))
        for d in self.dirs:
            d.mkdir(parents=True, exist_ok=True)

    def take(self, page: Page, name: str) -> None:
        """The first screen and the whole page, after checking nothing sticks out sideways."""
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a 390 px phone"
        for d in self.dirs:
            page.screenshot(path=str(d / f"{name}.png"))
            page.screenshot(path=str(d / f"{name}-whole.png"), full_page=True)


def on_first_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"{selector} ends at {box['y'] + box['height']:.0f} px, below the first screen"
    )


def phone(browser: Browser, live_server: Any, locale: str = "en-GB") -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale=locale,
    )
    context.set_default_timeout(10_000)
    return context


def client_on_phone(
    browser: Browser, live_server: Any, client: Client, failures: list[str]
) -> Page:
    page = phone(browser, live_server).new_page()
    watch(page, failures)
    page.goto(links.link_create(client=client))
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/c/")
    return page


def practitioner_on_phone(browser: Browser, live_server: Any, failures: list[str]) -> Page:
    page = phone(browser, live_server).new_page()
    watch(page, failures)
    page.clock.install()  # so the half-minute refresh can be fast-forwarded
    page.goto("/login/")
    page.get_by_label("Email:", exact=True).fill("alice@example.com")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs you now")
    return page


def with_a_session(alice: Practitioner, name: str, **fields: Any) -> Client:
    client = factories.ClientFactory(practitioner=alice, name=name, **fields)
    factories.SessionFactory(
        client=client,
        starts_at=timezone.now() - dt.timedelta(hours=26),
        intensity="intense",
        client_note=LONG_NOTE,
    )
    return client


def test_each_screen_fits_a_phone_and_what_waits_comes_first(
    browser: Browser, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.SITE_URL = live_server.url  # sign-in links point at the test's server
    screens = Screens(tmp_path)
    failures: list[str] = []
    alice = factories.PractitionerFactory(
        name="Alice Moreno", email="alice@example.com", timezone="Europe/Madrid"
    )
    now = timezone.now()

    # A client asked how they are: the question is on the first screen.
    dana = with_a_session(alice, "Dana Fox", timezone="Europe/London")
    factories.CheckInFactory(
        client=dana, state=State.SENT, answered_at=None, activation=None, note="",
        sent_at=now - dt.timedelta(hours=1), due_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    page = client_on_phone(browser, live_server, dana, failures)
    expect(page.locator("#checkin-heading")).to_have_text("How are you right now?")
    on_first_screen(page, "#checkin-heading")
    on_first_screen(page, ".scale-options")  # the one needed answer, every number of it
    screens.take(page, "1-client-checkin-waiting")

    # A client whose practitioner wrote back: the reply, and the box to answer it, come first.
    eli = with_a_session(alice, "Eli Park")
    answered = factories.CheckInFactory(client=eli, answered_at=now - dt.timedelta(hours=5))
    Reply.objects.create(
        practice_id=eli.practice_id, client=eli, checkin=answered, practitioner=alice,
        body="Thank you for writing. Tiredness today is expected; be gentle with yourself.",
    )  # fmt: skip
    page = client_on_phone(browser, live_server, eli, failures)
    expect(page.locator("#first-heading")).to_have_text("From Alice Moreno")
    on_first_screen(page, "#first-heading")
    on_first_screen(page, "blockquote.reply")
    on_first_screen(page, "#first-heading ~ form textarea")
    screens.take(page, "2-client-reply-waiting")

    # The practitioner's clients, on her phone: a dozen of them, long names included.
    for n, name in enumerate(["Maximiliana Etxeberria-Goikoetxea", "Jo Li", *"KLMNOPQRST"]):
        client = factories.ClientFactory(practitioner=alice, name=f"{name} Rivera-{n}")
        factories.CheckInFactory(client=client, activation=n % 11, wants_contact=n % 3 == 0)
    desk = practitioner_on_phone(browser, live_server, failures)
    desk.get_by_role("link", name="All clients").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(desk.locator("main")).to_contain_text("Maximiliana Etxeberria-Goikoetxea")
    screens.take(desk, "3-practitioner-client-list")

    # Needs you now, and it keeps itself current: someone new appears without a reload.
    alert_services.open_alert(dana, Kind.CONTACT, Level.NORMAL, {})
    desk.goto("/")
    expect(desk.locator("#queue")).to_contain_text("Dana Fox")
    expect(desk.locator("#queue")).to_contain_text("waiting since just now")
    alert_services.open_alert(eli, Kind.CONTACT, Level.NORMAL, {})
    expect(desk.locator("#queue")).not_to_contain_text("Eli Park")
    desk.clock.run_for(31_000)
    expect(desk.locator("#queue")).to_contain_text("Eli Park")
    screens.take(desk, "4-practitioner-queue")

    # A Spanish-speaking client's settings: countries and zones in Spanish.
    carmen = with_a_session(alice, "Carmen López", language="es", timezone="Europe/Madrid")
    page = client_on_phone(browser, live_server, carmen, failures)
    page.goto("/c/preferences/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    zone = page.locator("select[name=timezone]")
    expect(zone.locator("option:checked")).to_have_text("España · Madrid")
    countries = page.locator("select[name=country]").inner_text()
    assert "Afganistán" in countries and "Afghanistan" not in countries
    screens.take(page, "5-client-settings-spanish")

    assert failures == []
