from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.clients.middleware import SESSION_KEY
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories, smtp


@pytest.fixture
def smtp_inbox(settings: object) -> Iterator[smtp.Inbox]:
    """A real SMTP server on loopback; Tend's email settings point at it."""
    with smtp.serving(smtp.Inbox(), settings) as inbox:
        yield inbox


@pytest.fixture
def sink() -> Iterator[tuple[smtp.Inbox, int]]:
    """A real SMTP server on loopback, for worker processes: its inbox and port."""
    controller, inbox, port = smtp.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts real worker processes (seconds each); `-m 'not slow'` skips"
    )


@pytest.fixture
def alice(db: None) -> Practitioner:
    return factories.PractitionerFactory(name="Alice Moreno", email="alice@example.com")


@pytest.fixture
def bob(db: None) -> Practitioner:
    """A practitioner in another practice."""
    return factories.PractitionerFactory(name="Bob Smith", email="bob@example.com")


@pytest.fixture
def carmen(alice: Practitioner) -> Client:
    """Alice's client, who speaks Spanish."""
    return factories.ClientFactory(
        practitioner=alice, name="Carmen López", email="carmen@example.com", language="es"
    )


@pytest.fixture
def dana(alice: Practitioner) -> Client:
    """Alice's English-speaking client in Madrid, quiet from 21:00 to 08:00 (the default)."""
    return factories.ClientFactory(
        practitioner=alice, name="Dana Fox", email="dana@example.com", timezone="Europe/Madrid"
    )


class AtTheirDesk(HttpClient):
    """A practitioner's browser, signed in. When a test moves the clock on further than a
    practice's idle limit, they sign in again as they come back, as a person would (the
    sign-out itself is tested in tests/practices/test_idle_sign_out.py)."""

    AWAY = 25 * 60  # seconds: under the 30-minute default

    def __init__(self, person: Practitioner) -> None:
        super().__init__()
        self.person = person
        self.force_login(person)
        self.last = time.time()

    def request(self, **request: Any) -> Any:
        if time.time() - self.last > self.AWAY:
            self.force_login(self.person)
        self.last = time.time()
        return super().request(**request)


@pytest.fixture
def as_alice(alice: Practitioner) -> HttpClient:
    return AtTheirDesk(alice)


@pytest.fixture
def as_bob(bob: Practitioner) -> HttpClient:
    return AtTheirDesk(bob)


def signed_in_as(client: Client) -> HttpClient:
    http = HttpClient()
    session = http.session
    session[SESSION_KEY] = client.pk
    session.save()
    return http


@pytest.fixture
def as_carmen(carmen: Client) -> HttpClient:
    return signed_in_as(carmen)


@pytest.fixture(autouse=True)
def _fresh_offered_practices() -> None:
    """The email builder keeps the practices a kind of session offers for a minute; ids are
    reused from one test's database to the next, so each test starts without them."""
    from tend.checkins import email

    email._offered.clear()
