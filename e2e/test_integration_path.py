"""The days after a session, end to end, on a phone, in Spanish.

A check-in email carries a practice; the client opens it without signing in and does the
pause; in her journal she writes a ripple and shares it; her practitioner sees it and marks
it seen; she sees "seen". Every new page is checked with axe.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tend.checkins.models import CheckIn, State
from tend.clients import links
from tests import factories, smtp
from tests.worker.rounds import run_worker

if TYPE_CHECKING:
    from e2e.conftest import Accessibility

from e2e.conftest import at_the_desk
from e2e.test_newcomer_path import PHONE, watch

pytestmark = pytest.mark.browser

RIPPLE = "Hoy mi jefe levantó la voz y no me encogí: respiré y le contesté con calma."


def test_a_practice_from_an_email_then_a_shared_ripple_that_is_seen(
    browser: Browser, live_server: Any, smtp_inbox: smtp.Inbox, a11y: Accessibility
) -> None:
    alice = factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")
    carmen = factories.ClientFactory(
        practitioner=alice, name="Carmen López", email="carmen@example.com", language="es"
    )
    now = timezone.now()
    session = factories.SessionFactory(
        client=carmen, starts_at=now - dt.timedelta(hours=4), intensity="intense"
    )
    CheckIn.objects.create(
        practice=carmen.practice,
        client=carmen,
        session=session,
        state=State.SCHEDULED,
        sequence=1,
        due_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(days=2),
        answered_at=None,
    )
    run_worker()  # what `tend worker` does: the check-in email goes out
    [email] = smtp_inbox.to("carmen@example.com")
    assert "Algo para hoy, si te ayuda" in smtp.Inbox.text(email)
    [practice_link, *_] = [url for url in smtp_inbox.links(email) if "/p/" in url]
    failures: list[str] = []

    # The client, on a phone, from the email: no sign-in.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="es-ES")
    phone.set_default_timeout(10_000)
    client = phone.new_page()
    watch(client, failures)
    client.goto(practice_link)
    expect(client.locator(".pacer-circle")).to_be_visible()
    expect(client.locator("main")).to_contain_text("¿Qué necesito ahora mismo?")
    a11y.check(client, "client: a pause, from the email")
    client.get_by_role("button", name="Lo hice").click()
    expect(client.get_by_role("status")).to_contain_text("Anotado. Gracias por darte este tiempo.")

    # Signed in: her journal, a ripple, shared.
    client.goto(links.link_create(client=carmen))
    client.locator("main").get_by_role("button").click()
    client.get_by_role("link", name="Diario").click()
    expect(client.get_by_role("heading", level=1)).to_have_text("Tu diario")
    expect(client.locator("main")).to_contain_text("Solo tú puedes leer lo que escribes aquí.")
    a11y.check(client, "client: journal")
    client.get_by_label("Hoy noté…").fill(RIPPLE)
    client.get_by_role("button", name="Guardar este pequeño cambio").click()
    expect(client.get_by_role("status")).to_contain_text("Es privada: solo tú puedes leerla.")
    entry = client.locator(".entry").first
    expect(entry).to_contain_text(RIPPLE)
    expect(entry).to_contain_text("Privada")
    entry.get_by_role("button", name="Compartir con Alice Moreno").click()
    expect(client.locator(".entry").first).to_contain_text("Compartida con Alice Moreno")
    client.get_by_role("link", name="Prácticas").click()
    expect(client.get_by_role("heading", level=1)).to_have_text("Prácticas")
    a11y.check(client, "client: every practice")

    # The practitioner sees it and marks it seen.
    page = at_the_desk(browser, live_server, "alice@example.com", failures)
    page.goto(f"/clients/{carmen.pk}/")
    shared = page.locator(
        "section", has=page.get_by_role("heading", name="Shared from their journal")
    )
    expect(shared).to_contain_text(RIPPLE)
    a11y.check(page, "practitioner: client page with a shared ripple")
    shared.get_by_role("button", name="Mark seen").click()
    expect(shared).to_contain_text("Seen by Alice Moreno")

    # The client sees that it was seen.
    client.get_by_role("link", name="Diario").click()
    expect(client.locator(".entry").first).to_contain_text("Visto por Alice Moreno")
    a11y.check(client, "client: journal, seen")

    phone.close()
    page.context.close()
    assert not failures, "\n".join(failures)
    a11y.assert_clean()
