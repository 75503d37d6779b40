"""An admin invites a colleague, who opens the emailed link on a phone, chooses a name,
password and language, and lands in their own (empty) Needs-you-now. Every page is checked
with axe."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, expect

from e2e.conftest import at_the_desk
from e2e.test_newcomer_path import PHONE, watch
from tend.practices.models import Practitioner
from tests import factories, smtp
from tests.worker.rounds import run_worker

if TYPE_CHECKING:
    from e2e.conftest import Accessibility

pytestmark = pytest.mark.browser

SHOTS = Path(tempfile.gettempdir())  # the join page and the team, on a phone


def test_an_admin_invites_a_colleague_who_joins_and_sees_their_empty_queue(
    browser: Browser, live_server: Any, smtp_inbox: smtp.Inbox, a11y: Accessibility
) -> None:
    ana = factories.PractitionerFactory(
        name="Ana Rivera", email="ana@example.com", role=Practitioner.Role.ADMIN
    )
    factories.ClientFactory(practitioner=ana, name="Maya Thompson")
    failures: list[str] = []

    admin = at_the_desk(browser, live_server, "ana@example.com", failures)
    admin.get_by_role("navigation").get_by_role("link", name="Team").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Your team")
    a11y.check(admin, "admin: team")
    admin.get_by_role("link", name="Invite a colleague").click()
    a11y.check(admin, "admin: invite")
    admin.get_by_label("Their email").fill("luis@example.com")
    admin.get_by_label("Language of the invitation").select_option("es")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator(".messages")).to_contain_text(
        "The invitation is on its way to luis@example.com"
    )
    expect(admin.locator("main")).to_contain_text("Invitations waiting for an answer")

    run_worker()  # what `tend worker` does meanwhile: the invitation goes out
    [email] = smtp_inbox.to("luis@example.com")
    [link] = [u for u in smtp_inbox.links(email) if "/team/join/" in u]
    assert link.startswith(f"{live_server.url}/team/join/")

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    phone.set_default_timeout(10_000)
    luis = phone.new_page()
    watch(luis, failures)
    luis.goto(link)
    expect(luis.get_by_role("heading", level=1)).to_contain_text("Join Practice")
    a11y.check(luis, "colleague: join")
    luis.screenshot(path=str(SHOTS / "e2e-team-join.png"), full_page=True)
    luis.get_by_label("Your name").fill("Luis Ortega")
    luis.get_by_label("Language").select_option("es")
    luis.get_by_label("Time zone").select_option("Europe/Madrid")
    luis.get_by_label("Choose a password").fill("slow-river-stones-81")
    luis.get_by_label("The same password again").fill("slow-river-stones-81")
    luis.get_by_role("button", name="Join").click()

    expect(luis.locator("html")).to_have_attribute("lang", "es")
    expect(luis.locator(".messages")).to_contain_text("Te damos la bienvenida")
    expect(luis.locator("main")).not_to_contain_text("Maya Thompson")  # Ana's, not his
    a11y.check(luis, "colleague: first queue")
    luis.goto(f"{live_server.url}/team/")  # a member sees the team, without changing it
    expect(luis.locator("main")).to_contain_text("Ana Rivera")
    expect(luis.locator("main")).not_to_contain_text("Invitar")
    luis.screenshot(path=str(SHOTS / "e2e-team-member.png"), full_page=True)
    # The link has done its job.
    again = phone.new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("Esta invitación ya se ha usado")

    admin.goto("/team/")
    expect(admin.locator("main")).to_contain_text("Luis Ortega")
    expect(admin.locator("main")).to_contain_text("None right now.")
    assert failures == []
    a11y.assert_clean()
