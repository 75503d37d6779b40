"""Browser sessions: Django's, in the database, each row also naming the practitioner
signed in on it (BrowserSession), so "Your account" lists a practitioner's browsers and
ends the others' sessions without reading every session of the practice.

What is shown for each is kept in the session at sign-in: when, and the browser's name
(tend.lib.browsers). When it was last used is the idle sign-out's stamp (ACTIVE_AT).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from tend.lib import browsers
from tend.practices.middleware import ACTIVE_AT, IDLE_LIMIT, SIGNED_IN_AT
from tend.practices.models import BrowserSession, Practitioner

BROWSER = "tend_browser"  # [browser, system], names from tend.lib.browsers or None


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type[BrowserSession]:
        return BrowserSession

    def create_model_instance(self, data: dict[str, Any]) -> BrowserSession:
        row = super().create_model_instance(data)
        assert isinstance(row, BrowserSession)
        try:
            row.practitioner_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            row.practitioner_id = None
        return row


def signed_in(request: HttpRequest | None = None, **_: Any) -> None:
    """Receiver of user_logged_in: when, and in which browser."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT] = time.time()
    request.session[BROWSER] = list(browsers.describe(request.headers.get("User-Agent", "")))


@dataclasses.dataclass(frozen=True)
class Browser:
    signed_in_at: dt.datetime | None
    last_used_at: dt.datetime | None
    browser: str | None
    system: str | None
    this_one: bool
    owes_code: bool  # signed in with the password, the second step not done yet


def _moment(posix: object) -> dt.datetime | None:
    if not isinstance(posix, int | float):
        return None
    return dt.datetime.fromtimestamp(posix, tz=dt.UTC)


def _live(person: Practitioner) -> list[tuple[str, dict[str, Any]]]:
    """(key, data) of each session still signed in as `person`: not expired, not ended by a
    new password or by sessions_ended_at, not past their idle limit."""
    rows = BrowserSession.objects.filter(practitioner=person, expire_date__gt=timezone.now())
    expected = person.get_session_auth_hash()
    now = time.time()
    live = []
    for row in rows:
        data = row.get_decoded()
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), expected):
            continue
        active_at, limit = data.get(ACTIVE_AT), data.get(IDLE_LIMIT)
        if active_at is not None and limit is not None and now - active_at > limit:
            continue
        live.append((row.session_key, data))
    return live


def browsers_of(person: Practitioner, this_key: str | None) -> list[Browser]:
    """The browsers signed in as `person`, this one first, then the most recently used."""
    from tend.practices.two_factor import STEP

    found = []
    for key, data in _live(person):
        browser, system = [*(data.get(BROWSER) or []), None, None][:2]
        this_one = key == this_key
        found.append(
            Browser(
                signed_in_at=_moment(data.get(SIGNED_IN_AT)),
                last_used_at=timezone.now() if this_one else _moment(data.get(ACTIVE_AT)),
                browser=browser,
                system=system,
                this_one=this_one,
                owes_code=STEP in data,
            )
        )
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    found.sort(key=lambda b: (b.this_one, b.last_used_at or oldest), reverse=True)
    return found


def sign_out_others(person: Practitioner, this_key: str | None) -> int:
    """End every session signed in as `person` but this one; how many were signed in."""
    others = [key for key, _data in _live(person) if key != this_key]
    BrowserSession.objects.filter(practitioner=person).exclude(session_key=this_key).delete()
    return len(others)
