"""Questionnaires, end to end, on a phone, in Spanish: WHO-5 and the ladder quiz answered
from emails with no sign-in; the practitioner reads the results, the trend and the brief.
Every page is checked with axe."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, expect

from tests import factories, smtp
from tests.worker.rounds import run_worker

if TYPE_CHECKING:
    from e2e.conftest import Accessibility

from e2e.conftest import at_the_desk
from e2e.test_newcomer_path import PHONE, watch

pytestmark = pytest.mark.browser


def test_who5_and_the_ladder_from_email_then_results_trend_and_brief(
    browser: Browser, live_server: Any, smtp_inbox: smtp.Inbox, a11y: Accessibility
) -> None:
    alice = factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    carmen = factories.ClientFactory(
        practitioner=alice, name="Carmen López", email="carmen@example.com", language="es"
    )
    factories.SessionFactory(client=carmen)
    failures: list[str] = []

    # The practitioner asks for both, from the client page.
    page = at_the_desk(browser, live_server, "alice@example.com", failures)
    page.goto(f"/clients/{carmen.pk}/")
    for title in ("WHO (Five) Well-Being Index (1998 version)", "Where I am on my path"):
        page.locator("summary", has_text="Ask for a questionnaire").click()
        page.get_by_label("Questionnaire:").select_option(label=title)
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("is on its way to Carmen López")
    run_worker()  # what `tend worker` does: both emails go out
    emails = smtp_inbox.to("carmen@example.com")
    assert len(emails) == 2
    links = [next(u for u in smtp_inbox.links(m) if "/q/" in u) for m in emails]

    # The client, on a phone, from each email: no sign-in.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="es-ES")
    phone.set_default_timeout(10_000)
    client = phone.new_page()
    watch(client, failures)
    for link in links:
        client.goto(link)
        a11y.check(client, f"client: questionnaire {link[-12:]}")
        for group in client.locator("fieldset").all():
            group.locator("input[type=radio]").nth(2).check()
        client.get_by_role("button", name="Enviar mis respuestas").click()
        expect(client.get_by_role("heading", level=1)).to_have_text("Gracias por tus respuestas")
        a11y.check(client, "client: thanks")
    expect(client.locator("main")).to_contain_text("Escalera de la Sanación")

    # The practitioner reads the results, the trend and the brief.
    page.goto(f"/clients/{carmen.pk}/")
    results = page.locator("section", has=page.get_by_role("heading", name="Questionnaires"))
    expect(results).to_contain_text("WHO (Five) Well-Being Index")
    expect(results).to_contain_text("Washing Ball")
    expect(results.locator("svg[role=img]").first).to_be_visible()
    a11y.check(page, "practitioner: client page with results")
    page.get_by_role("link", name="Before the session: the brief").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before the session: Carmen López")
    expect(page.locator("main")).to_contain_text("Around Washing Ball.")
    a11y.check(page, "practitioner: the brief")
    # Printed, it fits on one or two A4 pages, without the site's navigation.
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the brief printed on {pages} pages"

    phone.close()
    page.context.close()
    assert not failures, "\n".join(failures)
    a11y.assert_clean()
