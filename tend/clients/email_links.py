"""Signed links in follow-up emails that act on the client's own settings.

Stopping emails must keep working long after the email was sent (it backs the
List-Unsubscribe header), so those links do not expire. A quiet day is only offered for
a few days.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

from tend.lib.signed_urls import signed_url

STOP, QUIET_DAY = "stop", "quiet"
SALT = "tend.clients.email-links"


def url(client_id: int, action: str) -> str:
    name = "client:emails_stop" if action == STOP else "client:quiet_day"
    return signed_url(name, [client_id, action], salt=SALT)


def read(token: str, action: str) -> int | None:
    max_age = None if action == STOP else dt.timedelta(days=settings.ANSWER_LINK_DAYS)
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(value, list) or len(value) != 2 or value[1] != action:
        return None
    client_id = value[0]
    return client_id if isinstance(client_id, int) else None
