"""Absolute URLs that carry a signed value, made quickly (a follow-up email holds eight)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SLOT = "tend-signed-value-slot"


@lru_cache(maxsize=16)
def _signer(secret: str, salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=secret, salt=salt)


@lru_cache(maxsize=64)
def _around(site_url: str, name: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_SLOT]).split(_SLOT)
    return site_url + before, after


def signed_url(name: str, value: Any, *, salt: str) -> str:
    """What `settings.SITE_URL + reverse(name, args=[signing.dumps(value, salt=salt)])` gives."""
    token = _signer(settings.SECRET_KEY, salt).sign_object(value)
    before, after = _around(settings.SITE_URL, name)
    return before + token + after
