"""Security events, one line each on the `tend.security` logger at WARNING (ASVS 7.1.3,
7.2.1, 7.2.2): wrong passwords and paused sign-in, wrong two-step codes, refused pages and
records, failed CSRF checks, and limits reached.

A line names who by number (practitioner or client id, never an email) and the path, with
any token in it redacted and anything unprintable replaced. It never holds a password, a
code, a token, a query string or anything a person wrote.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from tend.lib.redact import redact

log = logging.getLogger("tend.security")


def _path(request: HttpRequest) -> str:
    path = "".join(c if c.isprintable() and not c.isspace() else "?" for c in request.path)
    return redact(path[:300])


def _who(request: HttpRequest, practitioner_id: int | None) -> str:
    if practitioner_id is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            practitioner_id = user.pk
    client = getattr(request, "client", None)
    who = f"practitioner={practitioner_id if practitioner_id is not None else '-'}"
    return f"{who} client={client.pk}" if client is not None else who


def event(request: HttpRequest, what: str, *, practitioner_id: int | None = None) -> None:
    """`what` is one of a few fixed words ("sign-in failed", "refused"), never input."""
    log.warning("%s: %s path=%s", what, _who(request, practitioner_id), _path(request))


def practitioner_id(email: object) -> int | None:
    """Whose account an email typed at sign-in names, if anyone's."""
    from tend.practices.models import Practitioner

    if not isinstance(email, str):
        return None
    found = Practitioner.objects.filter(email=email.strip().lower()).values_list("pk", flat=True)
    return next(iter(found), None)


def sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    """Receiver of user_login_failed: a wrong password, or one tried while paused."""
    if request is not None:
        person = practitioner_id(credentials.get("username"))
        event(request, "sign-in failed", practitioner_id=person)
