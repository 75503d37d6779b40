"""Settings every test shares (tests/ and e2e/)."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Worker processes the tests start reach a line keeper (tend/notify/keeper.py); once the
# tests are done with it, it need not wait the usual minute before it goes.
os.environ.setdefault("TEND_KEEPER_IDLE_SECONDS", "3")
os.environ.setdefault("TEND_KEEPER_ORPHAN_SECONDS", "30")  # nor keep a failed test's lines


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    # The real hasher is slow on purpose; tests create many practitioners.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
