"""Signed links in follow-up emails: a one-tap answer, or the fuller form, with no login.

A link names one check-in and one answer. It is good for a few days and, because answering
closes the check-in, it works once. Nothing sensitive is in it: just two ids.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from tend.checkins.models import QuickAnswer
from tend.lib.signed_urls import signed_url

SALT = "tend.checkins.answer"
MORE = "more"  # not an answer: opens the fuller check-in form
CHOICES = (*QuickAnswer.values, MORE)


class LinkProblem(enum.Enum):
    TAMPERED = "tampered"
    EXPIRED = "expired"


@dataclass(frozen=True)
class AnswerLink:
    checkin_id: int
    answer: str


def answer_url(checkin_id: int, answer: str) -> str:
    return signed_url("checkins:answer", [checkin_id, answer], salt=SALT)


def _parse(value: object) -> AnswerLink | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    checkin_id, answer = value
    if not isinstance(checkin_id, int) or answer not in CHOICES:
        return None
    return AnswerLink(checkin_id, answer)


def read(token: str) -> AnswerLink | LinkProblem:
    max_age = dt.timedelta(days=settings.ANSWER_LINK_DAYS)
    try:
        link = _parse(signing.loads(token, salt=SALT, max_age=max_age))
    except signing.SignatureExpired:
        return LinkProblem.EXPIRED
    except signing.BadSignature:
        return LinkProblem.TAMPERED
    return link or LinkProblem.TAMPERED


def read_expired(token: str) -> AnswerLink | None:
    """Who an out-of-date (but genuine) link was for, so we can offer a fresh way in."""
    try:
        return _parse(signing.loads(token, salt=SALT))
    except signing.BadSignature:
        return None
