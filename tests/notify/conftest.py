from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts real worker processes (seconds each); `-m 'not slow'` skips"
    )
