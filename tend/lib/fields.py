"""Fields encrypted at rest (see tend.lib.crypto): text, and JSON such as texts by language."""

from __future__ import annotations

import json
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


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (texts by language, say) stored as one Fernet token; `tend rotate_keys`
    re-encrypts it like any encrypted text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(crypto.decrypt(value, current_keys()))

    def to_python(self, value: Any) -> Any:
        return value if not isinstance(value, str) else json.loads(value or "{}")

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return value
        return crypto.encrypt(json.dumps(value, ensure_ascii=False), current_keys())

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
