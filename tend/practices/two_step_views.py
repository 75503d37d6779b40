"""Two-step sign-in: the code after the password, and a practitioner's own settings for it
(tend.practices.two_factor holds the workings)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tend.practices import errors, notices, security
from tend.practices import two_factor as tf
from tend.practices.forms import CodeForm
from tend.practices.requests import PractitionerRequest


def _next(request: PractitionerRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if ok and url.startswith("/") else "/"


def _wrong_code(request: PractitionerRequest, form: CodeForm) -> None:
    security.event(request, "wrong two-step code")
    form.add_error(
        "code",
        _(
            "That code didn't match. The app shows a new one every 30 seconds: please type "
            "the one it shows now."
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def sign_in_code(request: PractitionerRequest) -> HttpResponse:
    """After the password: the code from their app, or a recovery code."""
    if request.session.get(tf.STEP) != tf.CODE:
        return redirect(_next(request))
    me = request.user
    help_text = _("The six digits your authenticator app shows for Tend, or a recovery code.")
    form = CodeForm(request.POST or None, help_text=help_text)
    if request.method == "POST":
        paused = tf.paused_until(me)
        if paused is not None:
            return errors.codes_paused(request, paused)
        if form.is_valid():
            device = tf.check(me, form.cleaned_data["code"])
            if device is not None:
                tf.step_done(request, device)
                if device.name == "recovery":
                    _recovery_used(request)
                return redirect(_next(request))
            _wrong_code(request, form)
    ctx = {"form": form, "next": _next(request)}
    return render(request, "practices/two_step_code.html", ctx)


def _recovery_used(request: PractitionerRequest) -> None:
    left = tf.recovery_codes_left(request.user)
    messages.info(
        request,
        ngettext(
            "You signed in with a recovery code, so it won't work again. %(left)d is left; "
            "you can make new ones under Your account, Two-step sign-in.",
            "You signed in with a recovery code, so it won't work again. %(left)d are left; "
            "you can make new ones under Your account, Two-step sign-in.",
            left,
        )
        % {"left": left},
    )


@require_http_methods(["GET"])
@login_required
def two_step(request: PractitionerRequest) -> HttpResponse:
    me = request.user
    on = tf.has_app(me)
    ctx = {
        "on": on,
        "required": me.practice.require_two_factor,
        "left": tf.recovery_codes_left(me) if on else 0,
        "recovery_form": CodeForm(prefix="recovery", autofocus=False),
        "off_form": CodeForm(prefix="off", autofocus=False),
    }
    return render(request, "practices/two_step.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def two_step_setup(request: PractitionerRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code, see the recovery codes once."""
    me = request.user
    if tf.has_app(me):
        return redirect("two_step")
    key = request.session.get(tf.NEW_KEY) or tf.new_key()
    request.session[tf.NEW_KEY] = key
    form = CodeForm(request.POST or None, help_text=_("The six digits your app shows now."))
    if request.method == "POST" and form.is_valid():
        done = tf.turn_on(me, key, form.cleaned_data["code"])
        if done is not None:
            device, codes = done
            tf.step_done(request, device)
            notices.sign_in_changed(me, notices.Change.TWO_STEP_ON)
            ctx = {"codes": codes, "first": True, "next": _next(request)}
            return render(request, "practices/two_step_codes.html", ctx)
        _wrong_code(request, form)
    ctx = {
        "form": form,
        "qr": tf.qr_code(me, key),
        "key": tf.key_for_typing(key),
        "setting_up_now": request.session.get(tf.STEP) == tf.SETUP,
        "next": _next(request),
    }
    return render(request, "practices/two_step_setup.html", ctx)


def _with_code(request: PractitionerRequest, prefix: str) -> tuple[HttpResponse | None, bool]:
    """A posted code, checked: (a paused page or None, whether it matched)."""
    form = CodeForm(request.POST, prefix=prefix)
    paused = tf.paused_until(request.user)
    if paused is not None:
        return errors.codes_paused(request, paused), False
    if form.is_valid() and tf.check(request.user, form.cleaned_data["code"]) is not None:
        return None, True
    security.event(request, "wrong two-step code")
    return None, False


@require_POST
@login_required
def two_step_off(request: PractitionerRequest) -> HttpResponse:
    me = request.user
    if me.practice.require_two_factor:
        messages.info(request, _("Your practice asks everyone to sign in in two steps."))
        return redirect("two_step")
    paused, matched = _with_code(request, "off")
    if paused is not None:
        return paused
    if not matched:
        messages.error(request, _("That code didn't match, so two-step sign-in is still on."))
        return redirect("two_step")
    tf.turn_off(request, me)
    notices.sign_in_changed(me, notices.Change.TWO_STEP_OFF)
    messages.success(request, _("Two-step sign-in is off. You sign in with your password alone."))
    return redirect("two_step")


@require_POST
@login_required
def two_step_recovery(request: PractitionerRequest) -> HttpResponse:
    paused, matched = _with_code(request, "recovery")
    if paused is not None:
        return paused
    if not matched or not tf.has_app(request.user):
        messages.error(
            request, _("That code didn't match, so your recovery codes are as they were.")
        )
        return redirect("two_step")
    codes = tf.new_recovery_codes(request.user)
    notices.sign_in_changed(request.user, notices.Change.RECOVERY_CODES)
    return render(request, "practices/two_step_codes.html", {"codes": codes, "next": "/"})
