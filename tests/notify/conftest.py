from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import smtp


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts real worker processes (seconds each); `-m 'not slow'` skips"
    )


@pytest.fixture
def sink() -> Iterator[tuple[smtp.Inbox, int]]:
    """A real SMTP server on loopback, for worker processes: its inbox and port."""
    controller, inbox, port = smtp.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
