"""Signed links to answer one questionnaire from an email, with no sign-in (the same rules as
one-tap answers: signed, good for a few days, one id inside; answering closes it)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

from tend.lib.signed_urls import signed_url

SALT = "tend.assessments.answer"


def answer_url(administration_id: int) -> str:
    return signed_url("assessments:by_link", [administration_id], salt=SALT)


def read(token: str) -> int | None:
    max_age = dt.timedelta(days=settings.ANSWER_LINK_DAYS)
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if isinstance(value, list) and len(value) == 1 and type(value[0]) is int:
        return value[0]
    return None
