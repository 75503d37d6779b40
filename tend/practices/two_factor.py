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
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from tend.practices import limits
from tend.practices.models import Practitioner

STEP = "tend_two_step"  # "code" or "setup": what this session still owes
CODE, SETUP = "code", "setup"
NEW_KEY = "tend_two_step_key"  # the key being set up, until its first code confirms it
RECOVERY_CODES = 10


def has_app(person: Practitioner) -> bool:
    return bool(TOTPDevice.objects.filter(user=person, confirmed=True).exists())


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
    return str(default_key())


def key_for_typing(key: str) -> str:
    """The key as an app asks for it: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(person: Practitioner, key: str) -> str:
    """The key as a QR code (an SVG image as a data: URL, which the CSP allows)."""
    url = TOTPDevice(user=person, key=key).config_url
    out = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


def turn_on(person: Practitioner, key: str, code: str) -> tuple[Device, list[str]] | None:
    """Confirm the app with its first code: then it is theirs (any other is removed), with a
    fresh set of recovery codes, which are returned to be shown once. None: wrong code."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=person, key=key, name="app", confirmed=False)
        if not device.verify_token(_clean(code)):
            transaction.set_rollback(True)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
        return device, new_recovery_codes(person)


def new_recovery_codes(person: Practitioner) -> list[str]:
    """Ten new recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=person).delete()
    static = StaticDevice.objects.create(user=person, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def recovery_codes_left(person: Practitioner) -> int:
    return int(StaticToken.objects.filter(device__user=person, device__confirmed=True).count())


def check(person: Practitioner, code: str) -> Device | None:
    """The device a code comes from (the app, or a recovery code, used up), or None. Wrong
    codes are counted: see paused_until."""
    code = _clean(code)
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
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        Practitioner.objects.filter(pk=person.pk).update(sessions_ended_at=timezone.now())
    return had


def turn_off(request: HttpRequest, person: Practitioner) -> None:
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(STEP, None)
