"""Two-step sign-in in tests: an authenticator app, its codes, and a browser signed in past
the second step.

`force_login` alone signs in a practitioner who has no app, as before. For one who has an
app (or whose practice requires one), `verified` signs them in as the code page would.
"""

from __future__ import annotations

import time

from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from tend.practices import two_factor
from tend.practices.models import AuthenticatorApp, Practitioner


def app_for(person: Practitioner) -> AuthenticatorApp:
    """An authenticator app set up for `person` (no recovery codes)."""
    key = two_factor.new_key()
    return AuthenticatorApp.objects.create(user=person, key=key, name="app", confirmed=True)


def code_of(key: str, at: float | None = None) -> str:
    """What an authenticator app with this key (hex) shows now (or at `at`)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def verified(
    person: Practitioner, device: AuthenticatorApp, http: HttpClient | None = None
) -> HttpClient:
    """A browser signed in as `person` past the second step, with `device`."""
    http = http or HttpClient()
    http.force_login(person)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(two_factor.STEP, None)
    session.save()
    return http
