"""Browser tests: a real Chromium (Playwright) against Django's live server.

They need a Chromium on the PATH (`apt-get install chromium`). Without one they are
skipped, and the run says so at the end, unless TEND_REQUIRE_BROWSER=1 (as in CI),
in which case they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests import smtp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_BROWSER = "Chromium not installed: browser tests skipped. apt-get install chromium to run them."
REQUIRE_BROWSER = os.environ.get("TEND_REQUIRE_BROWSER") == "1"
# axe's default rules, plus WCAG 2.2's minimum target size (off by default in axe 4.12).
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

_skipped: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    if CHROMIUM is None and item.get_closest_marker("browser"):
        if REQUIRE_BROWSER:
            pytest.fail(
                "TEND_REQUIRE_BROWSER=1, but Chromium is not installed. "
                "apt-get install chromium to run the browser tests.",
                pytrace=False,
            )
        _skipped.append(item.nodeid)
        pytest.skip(NO_BROWSER)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.section("browser tests")
        terminalreporter.write_line(
            f"{len(_skipped)} browser test(s) SKIPPED: Chromium is not installed. "
            "apt-get install chromium to run them (TEND_REQUIRE_BROWSER=1 makes this an error).",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session", autouse=True)
def safety_models_trained() -> None:
    """Train the safety screen's models before the first browser test, as `tend run` and
    `tend serve` do before serving: on a busy machine the first check-in would otherwise
    wait for the training longer than a click waits for its page."""
    from tend.safety import model

    model.warm_up().join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, per module: Playwright and the setting below end with the module,
    so tests collected after the browser tests run as usual."""
    assert CHROMIUM is not None
    # The sync Playwright API runs an asyncio loop on this thread, so Django would
    # refuse ORM calls from the test (factories, flushing the database) without this.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()


@pytest.fixture
def smtp_inbox(settings: Any, live_server: Any) -> Iterator[smtp.Inbox]:
    """A real SMTP server on loopback for the worker. Emailed links point at the live server."""
    controller, inbox, port = smtp.start()
    settings.MAILERS = {
        **settings.MAILERS,
        "smtp": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        },
    }
    settings.SITE_URL = live_server.url
    try:
        yield inbox
    finally:
        controller.stop()


def at_the_desk(browser: Browser, live_server: Any, email: str, failures: list[str]) -> Page:
    """A practitioner signed in on a desktop browser, in English."""
    from e2e.test_newcomer_path import watch
    from tests import factories

    desk = browser.new_context(base_url=live_server.url, locale="en-GB")
    desk.set_default_timeout(10_000)
    page = desk.new_page()
    watch(page, failures)
    page.goto("/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@dataclass
class Accessibility:
    """Runs axe on each page visited; serious and critical problems fail the test."""

    axe: Axe = field(default_factory=Axe)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        violations = self.axe.run(page, options=AXE_OPTIONS).response["violations"]
        for v in violations:
            targets = "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
            report = (
                f"[{name}] {page.url}\n  {v['id']} ({v['impact']}): {v['help']}\n"
                f"  {v['helpUrl']}\n  nodes: {targets}"
            )
            print(f"axe: {report}")  # minor and moderate ones show with `pytest -rP`
            if v["impact"] in ("serious", "critical"):
                self.problems.append(report)

    def assert_clean(self) -> None:
        report = "\n".join(self.problems)
        assert not self.problems, f"axe found serious or critical problems:\n{report}"


@pytest.fixture
def a11y() -> Accessibility:
    return Accessibility()
