"""The newcomer path, end to end, in a real browser.

A practitioner signs in, adds a Spanish-speaking client (who is invited by email) and
logs an intense session with a note. The client opens the emailed link on a phone,
reads the note and checks in, all in Spanish. The practitioner then sees the check-in.
Every page is checked with axe.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from tests import factories, smtp
from tests.worker.rounds import run_worker

if TYPE_CHECKING:
    from e2e.conftest import Accessibility

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-client.png"  # the check-in, on a phone
SESSION_NOTE = "Hoy movimos mucho. Descansa esta noche; si mañana lloras, es normal."
CHECKIN_NOTE = "Dormí mal, pero ahora respiro mejor."


class Spanish:
    """Spanish strings the client should see. Missing ones are gathered, not fatal at once,
    so one run lists every string still waiting for its translation."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def expect(self, page: Page, *texts: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "es")
        self.expect_in(page.url, page.locator("body").inner_text(), *texts)

    def expect_in(self, where: str, text: str, *texts: str) -> None:
        self.missing += [f"{where}: {t!r}" for t in texts if t not in text]


def watch(page: Page, failures: list[str]) -> None:
    """Any 4xx/5xx response, script error or Content-Security-Policy refusal on a page is a
    failure of the path."""

    def on_response(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failures.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            failures.append(f"refused by the policy: {message.text}")

    page.on("console", on_console)


def test_practitioner_invites_a_spanish_client_who_checks_in(
    browser: Browser, live_server: Any, smtp_inbox: smtp.Inbox, a11y: Accessibility
) -> None:
    factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    failures: list[str] = []
    spanish = Spanish()

    # The practitioner, at a desk.
    desk = browser.new_context(base_url=live_server.url, locale="en-GB")
    desk.set_default_timeout(10_000)
    alice = desk.new_page()
    watch(alice, failures)

    alice.goto("/login/")
    a11y.check(alice, "practitioner: sign in")
    alice.get_by_label("Email:", exact=True).fill("Alice@Example.com")
    alice.get_by_label("Password").fill(factories.PASSWORD)
    alice.get_by_role("button", name="Sign in").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Needs you now")
    expect(alice.locator("main")).to_contain_text("Nobody needs you right now")
    a11y.check(alice, "practitioner: needs you now (empty)")
    alice.get_by_role("link", name="All clients").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Clients")
    a11y.check(alice, "practitioner: clients (empty)")

    alice.get_by_role("link", name="Add a client").click()
    expect(alice).to_have_url(re.compile(r"/clients/new/$"))
    a11y.check(alice, "practitioner: add a client")
    alice.get_by_label("Name:", exact=True).fill("Rosa Díaz")
    alice.get_by_label("Email:", exact=True).fill("rosa@example.com")
    alice.get_by_label("Language").select_option("es")
    alice.get_by_label("Time zone").select_option("America/Mexico_City")
    alice.get_by_label("Email them an invitation now").check()
    alice.get_by_role("button", name="Add client").click()

    expect(alice.get_by_role("heading", level=1)).to_have_text("Rosa Díaz")
    expect(alice.get_by_role("status")).to_contain_text(
        "The invitation is on its way to rosa@example.com"
    )
    a11y.check(alice, "practitioner: new client")

    alice.get_by_role("link", name="Log a session").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Log a session with Rosa Díaz")
    a11y.check(alice, "practitioner: log a session")
    alice.get_by_label("Modality").select_option("breathwork")
    alice.get_by_label("Intense").check()
    alice.get_by_label("Note for the client").fill(SESSION_NOTE)
    alice.get_by_label("Private note").fill("Much held in the chest.")
    alice.get_by_role("button", name="Log session").click()

    expect(alice.get_by_role("status")).to_contain_text("Session logged.")
    session_entry = alice.locator(".entry-session")
    expect(session_entry).to_contain_text("Breathwork · Intense")
    expect(session_entry).to_contain_text(SESSION_NOTE)
    a11y.check(alice, "practitioner: client with a session")

    # The client, on a phone, with the browser in English: Tend follows her own language.
    run_worker()  # what `tend worker` does meanwhile: the invitation goes out
    [invitation] = smtp_inbox.to("rosa@example.com")
    [link] = smtp_inbox.links(invitation)
    assert link.startswith(f"{live_server.url}/c/signin/")
    spanish.expect_in("invitation email", smtp_inbox.html(invitation), "Abre tu espacio")

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    phone.set_default_timeout(10_000)
    rosa = phone.new_page()
    watch(rosa, failures)

    rosa.goto(link)
    spanish.expect(rosa, "Te damos la bienvenida")
    expect(rosa.get_by_role("heading", level=1)).to_contain_text("Rosa Díaz")
    expect(rosa.locator("main")).to_contain_text("Alice Moreno")
    a11y.check(rosa, "client: welcome")
    rosa.locator("main").get_by_role("button").click()

    expect(rosa).to_have_url(f"{live_server.url}/c/")
    spanish.expect(rosa, "¿Cómo estás ahora?")
    note = rosa.locator("section.note")
    expect(note).to_contain_text("Alice Moreno")
    expect(note).to_contain_text(SESSION_NOTE)
    expect(note).not_to_contain_text("Much held in the chest.")
    a11y.check(rosa, "client: check-in")

    # Tap as a thumb would: each option's input covers its whole label.
    rosa.locator("input[name=activation][value='7']").check()
    rosa.locator("input[name=sensations][value=heavy]").check()
    rosa.locator("input[name=sensations][value=buzzing]").check()
    rosa.locator("input[name=wants_contact][value=yes]").check()
    rosa.locator("textarea[name=note]").fill(CHECKIN_NOTE)
    rosa.screenshot(path=SCREENSHOT, full_page=True)
    a11y.check(rosa, "client: check-in, answered")
    rosa.locator("form.checkin button.button-big").click()

    expect(rosa).to_have_url(re.compile(r"/c/checkin/\d+/thanks/$"))
    spanish.expect(rosa, "Gracias por contarnos cómo estás")
    expect(rosa.locator("main")).to_contain_text("Alice Moreno")
    a11y.check(rosa, "client: thank you")

    # The practitioner looks again.
    alice.reload()
    checkin = alice.locator(".entry-checkin")
    expect(checkin).to_have_count(1)
    expect(checkin).to_contain_text("7 of 10")
    expect(checkin).to_contain_text("Would like you to reach out")
    expect(checkin).to_contain_text("heavy, buzzing")
    expect(checkin).to_contain_text(CHECKIN_NOTE)
    a11y.check(alice, "practitioner: client with a check-in")
    alice.get_by_role("link", name="Clients", exact=True).click()
    row = alice.get_by_role("row", name=re.compile("Rosa Díaz"))
    expect(row).to_contain_text("7 of 10")
    expect(row).to_contain_text("Yes")
    a11y.check(alice, "practitioner: clients")

    phone.close()
    desk.close()
    assert not failures, "\n".join(failures)
    a11y.assert_clean()
    assert not spanish.missing, "Not in Spanish yet:\n" + "\n".join(spanish.missing)
