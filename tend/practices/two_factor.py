"""Two-step sign-in for practitioners: after the password, a code from an authenticator app
(TOTP, django-otp), or one of ten recovery codes, each good once.

Whether a signed-in practitioner still owes a step is decided once, as they sign in, and kept
in their session (STEP): "code" when they have an app set up, "setup" when their practice
asks for two-step sign-in and they have none yet. Until the step is done, TwoStepGate lets
them reach only its page and signing out. A session with no step pays nothing per request.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import secrets
from typing import Any
from urllib.parse import quote, urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device

from tend.lib import recovery_codes
from tend.practices import limits
from tend.practices.models import AuthenticatorApp, Practitioner, RecoveryCode, RecoveryCodes

STEP = "tend_two_step"  # "code" or "setup": what this session still owes
CODE, SETUP = "code", "setup"
NEW_KEY = "tend_two_step_key"  # the key being set up, until its first code confirms it
RECOVERY_CODES = 10


def has_app(person: Practitioner) -> bool:
    return bool(AuthenticatorApp.objects.filter(user=person, confirmed=True).exists())


def step_at_sign_in(person: Practitioner) -> str | None:
    if has_app(person):
        return CODE
    if person.practice.require_two_factor:
        return SETUP
    return None


def signed_in(
    sender: object, request: HttpRequest | None = None, user: Any = None, **_: Any
) -> None:
    """Receiver of user_logged_in: what this session owes before it can be used."""
    if request is None or not hasattr(request, "session") or user is None:
        return
    step = step_at_sign_in(user)
    if step is None:
        request.session.pop(STEP, None)
    else:
        request.session[STEP] = step


def new_key() -> str:
    """A new app key (hex, 160 bits as RFC 4226 recommends)."""
    return secrets.token_hex(20)


def key_for_typing(key: str) -> str:
    """The key as an app asks for it: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(person: Practitioner, key: str) -> str:
    """The key as a QR code (an SVG image as a data: URL, which the CSP allows)."""
    label = f"{settings.OTP_TOTP_ISSUER}:{person.get_username()}"
    params = {
        "secret": base64.b32encode(bytes.fromhex(key)).decode(),
        "algorithm": "SHA1",
        "digits": 6,
        "period": 30,
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    url = f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"
    out = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def turn_on(person: Practitioner, key: str, code: str) -> tuple[Device, list[str]] | None:
    """Confirm the app with its first code: then it is theirs (any other is removed), with a
    fresh set of recovery codes, which are returned to be shown once. None: wrong code."""
    with transaction.atomic():
        device = AuthenticatorApp.objects.create(user=person, key=key, name="app", confirmed=False)
        if not device.verify_token(recovery_codes.clean(code)):
            transaction.set_rollback(True)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        AuthenticatorApp.objects.filter(user=person).exclude(pk=device.pk).delete()
        return device, new_recovery_codes(person)


def new_recovery_codes(person: Practitioner) -> list[str]:
    """Ten new recovery codes, grouped for reading; the earlier ones stop working. Only
    their hashes are kept, so this is the one time they can be shown."""
    RecoveryCodes.objects.filter(user=person).delete()
    device = RecoveryCodes.objects.create(user=person, name="recovery", confirmed=True)
    codes = [recovery_codes.new() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(codes=device, hashed=recovery_codes.hashed(c)) for c in codes]
    )
    return [recovery_codes.for_reading(c) for c in codes]


def recovery_codes_left(person: Practitioner) -> int:
    mine = RecoveryCode.objects.filter(codes__user=person, codes__confirmed=True)
    return int(mine.filter(used_at=None).count())


def check(person: Practitioner, code: str) -> Device | None:
    """The device a code comes from (the app, or a recovery code, used up), or None. Wrong
    codes are counted: see paused_until."""
    code = recovery_codes.clean(code)
    found: Device | None = None
    if code:
        with transaction.atomic():
            for device in django_otp.devices_for_user(person, for_verify=True):
                if device.verify_token(code):
                    found = device
                    break
    if found is None:
        limits.count(limits.WRONG_CODES, person.pk)
    else:
        limits.clear(limits.WRONG_CODES, person.pk)
    return found


def paused_until(person: Practitioner) -> dt.datetime | None:
    """After too many wrong codes in a row, when codes are taken again; None: now."""
    return limits.full_until(limits.WRONG_CODES, person.pk)


def step_done(request: HttpRequest, device: Device) -> None:
    """This session is verified by `device` and owes nothing more."""
    django_otp.login(request, device)
    request.session.pop(STEP, None)
    request.session.pop(NEW_KEY, None)


def reset(person: Practitioner) -> bool:
    """An admin clears a colleague's app and recovery codes (a lost phone): every session the
    colleague had ends, and they sign in afresh with their password (and set up a new app if
    their practice requires one). False if they had none."""
    with transaction.atomic():
        had = has_app(person)
        AuthenticatorApp.objects.filter(user=person).delete()
        RecoveryCodes.objects.filter(user=person).delete()
        Practitioner.objects.filter(pk=person.pk).update(sessions_ended_at=timezone.now())
    return had


def turn_off(request: HttpRequest, person: Practitioner) -> None:
    AuthenticatorApp.objects.filter(user=person).delete()
    RecoveryCodes.objects.filter(user=person).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(STEP, None)
