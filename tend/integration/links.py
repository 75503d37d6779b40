"""Signed links to one practice for one client, carried by follow-up emails: opened with no
sign-in, by the same rules as one-tap answers (signed, good for a few days, nothing
sensitive inside: two ids)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

from tend.lib.signed_urls import signed_url

SALT = "tend.integration.practice"


def practice_url(client_id: int, exercise_id: int) -> str:
    return signed_url("integration:by_link", [client_id, exercise_id], salt=SALT)


def read(token: str) -> tuple[int, int] | None:
    """(client id, practice id), or None for a link that is altered or out of date."""
    max_age = dt.timedelta(days=settings.ANSWER_LINK_DAYS)
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # expired ones too
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return value[0], value[1]
    return None
