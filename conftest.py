"""Settings every test shares (tests/ and e2e/)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    # The real hasher is slow on purpose; tests create many practitioners.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def emails_go_to_the_outbox(settings: Any) -> None:
    """As in production: the web writes every email to the outbox; the worker sends it
    (Django's test set-up would swap every mailer for an in-memory one)."""
    settings.MAILERS = {
        "default": {"BACKEND": "tend.notify.outbox.OutboxBackend"},
        "smtp": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nobody there
        },
    }
