"""A text field that is encrypted at rest (see tend.lib.crypto)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from tend.lib import crypto


def current_keys() -> tuple[str, ...]:
    keys = list(settings.ENCRYPTION_KEYS)
    # The key derived from SECRET_KEY stays last so text written before keys were
    # configured is still readable.
    keys.append(crypto.derive_key(settings.SECRET_KEY).decode())
    return tuple(keys)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores Fernet tokens; Python code only ever sees the plain text."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, current_keys())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), current_keys())
