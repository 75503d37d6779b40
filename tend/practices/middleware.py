from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class PersonalSettingsMiddleware:
    """Speak each person's language and show times in their zone.

    On client pages (under /c/) the signed-in client's own language wins, whoever else is
    signed in on the same browser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = None
        client = getattr(request, "client", None)
        if request.path.startswith("/c/") and client is not None:
            person = client
        elif request.user.is_authenticated:
            person = request.user
        if person is not None:
            translation.activate(person.language)
            request.LANGUAGE_CODE = person.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(person.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class NoStore:
    """Pages are never kept by a browser or a proxy: most show someone's care, and a page
    kept on a shared computer would show it to the next person. (Static files are served
    before this, with their own long-lived caching.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response


ACTIVE_AT = "tend_active_at"  # when the practitioner last used Tend (a POSIX time)
IDLE_LIMIT = "tend_idle_limit"  # their practice's idle limit in seconds, read now and then
SIGNED_IN_AT = "tend_signed_in_at"  # when they signed in (a POSIX time; tend.practices.sessions)


def signed_in_now(request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Receiver of user_logged_in: the idle time starts again at signing in."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(ACTIVE_AT, None)


class IdleSignOut:
    """A practitioner who has not used Tend for their practice's idle limit (30 minutes by
    default) is signed out at their next request, and told why on the sign-in page; so is
    one signed in for longer than PRACTITIONER_SIGN_IN_HOURS (12), however busy.

    What a page does by itself (the queue refreshing, a check-in marked seen as it opens:
    requests sent with X-Requested-With: fetch) is not use. The session is written at most
    once a minute, so a busy practitioner's pages cost no extra write each.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            active_at = session.get(ACTIVE_AT)
            limit = session.get(IDLE_LIMIT)
            if active_at is not None and limit is not None and now - active_at > limit:
                return _signed_out(
                    request,
                    _(
                        "You were signed out after %(minutes)d minutes without using Tend, "
                        "to keep your clients' notes private. Sign in to go on."
                    )
                    % {"minutes": round(limit / 60)},
                )
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)  # sessions from before
            hours = settings.PRACTITIONER_SIGN_IN_HOURS
            if now - signed_in_at > hours * 3600:
                return _signed_out(
                    request,
                    _(
                        "You've been signed in for %(hours)d hours, so Tend asks you to sign "
                        "in again, to keep your clients' notes private."
                    )
                    % {"hours": hours},
                )
            background = request.headers.get("X-Requested-With") == "fetch"
            if not background and (active_at is None or now - active_at > 60):
                session[ACTIVE_AT] = now
                practice = request.user.practice
                session[IDLE_LIMIT] = practice.idle_minutes * 60
                if practice.require_two_factor:
                    _two_step_now_required(request)
        return self.get_response(request)


def _signed_out(request: HttpRequest, why: str) -> HttpResponse:
    """Sign out, and say why on the sign-in page that comes next."""
    logout(request)
    messages.info(request, why)
    return redirect_to_login(request.get_full_path())


def _two_step_now_required(request: HttpRequest) -> None:
    """An admin has required two-step sign-in since this session signed in: a session not
    verified by a code owes the step now (TwoStepGate)."""
    from tend.practices import two_factor as tf

    if not request.user.is_verified() and tf.STEP not in request.session:  # type: ignore[union-attr]
        request.session[tf.STEP] = tf.step_at_sign_in(request.user)  # type: ignore[arg-type]


class TwoStepGate:
    """A practitioner who still owes the second step of signing in (their code, or setting
    up an app their practice requires) reaches only that step's page and signing out.
    Sessions that owe nothing (their session holds no step) cost nothing here. The step is
    set as they sign in, and by IdleSignOut's once-a-minute look at their practice when an
    admin has required two-step sign-in since."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from tend.practices import two_factor as tf

        step = request.session.get(tf.STEP) if request.user.is_authenticated else None
        if step is not None:
            page = reverse("sign_in_code" if step == tf.CODE else "two_step_setup")
            if request.path not in (page, reverse("logout")):
                next_url = request.get_full_path() if request.method == "GET" else "/"
                return redirect(f"{page}?{urlencode({'next': next_url})}")
        return self.get_response(request)
