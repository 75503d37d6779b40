"""Calm error pages. Nobody should ever see a stack trace."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.debug import ExceptionReporter

from tend.lib import when
from tend.practices import security


def _page(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "body": body}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _page(
            request,
            400,
            _("That was too much to send at once"),
            _("Nothing was saved. Please go back, shorten what you wrote, and send it again."),
        )
    return _page(
        request, 400, _("That didn't come through right"), _("Please go back and try again.")
    )


def signing_in_paused(
    request: HttpRequest, response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """Too many wrong passwords in a row (django-axes): say so, and for how long (the same
    words whether or not the account exists)."""
    username = credentials.get("username") if isinstance(credentials, dict) else None
    security.event(request, "sign-in paused", practitioner_id=security.practitioner_id(username))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _page(
        request,
        429,
        _("Signing in is paused for a little while"),
        ngettext(
            "There were too many tries with a wrong password, so to keep the account safe "
            "signing in is paused for the next %(minutes)d minute. Then you can try again, or "
            "choose a new password with “Forgotten your password?”.",
            "There were too many tries with a wrong password, so to keep the account safe "
            "signing in is paused for the next %(minutes)d minutes. Then you can try again, or "
            "choose a new password with “Forgotten your password?”.",
            minutes,
        )
        % {"minutes": minutes},
    )


def codes_paused(request: HttpRequest, until: dt.datetime) -> HttpResponse:
    """Too many wrong two-step codes in a row: say so, and until when."""
    security.event(request, "two-step codes paused")
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _page(
        request,
        429,
        _("Signing in is paused for a little while"),
        ngettext(
            "There were too many wrong codes in a row, so to keep the account safe codes "
            "aren't taken for the next %(minutes)d minute (until %(when)s). Then you can try "
            "again, with the code your app shows or a recovery code.",
            "There were too many wrong codes in a row, so to keep the account safe codes "
            "aren't taken for the next %(minutes)d minutes (until %(when)s). Then you can try "
            "again, with the code your app shows or a recovery code.",
            minutes,
        )
        % {"minutes": minutes, "when": when.when(until)},
    )


def sending_paused(request: HttpRequest, until: dt.datetime) -> HttpResponse:
    """An email asked for too often (from one address, or to one person): nothing was sent,
    and the page says when to try again (the same words whoever the email was for)."""
    security.event(request, "sending paused")
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _page(
        request,
        429,
        _("Let's wait a little before sending another"),
        ngettext(
            "Several emails were asked for from here in the last while, so to keep inboxes "
            "calm we haven't sent another just now. Please try again in %(minutes)d minute "
            "(from %(when)s). Any email already sent still works.",
            "Several emails were asked for from here in the last while, so to keep inboxes "
            "calm we haven't sent another just now. Please try again in %(minutes)d minutes "
            "(from %(when)s). Any email already sent still works.",
            minutes,
        )
        % {"minutes": minutes, "when": when.when(until)},
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    security.event(request, "refused")
    return _refused(request)


def _refused(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        403,
        _("That page isn't open to you"),
        _("If the page was open for a while, please go back, reload it and try again."),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("We couldn't find that page"),
        _("It may have moved, or the link may be incomplete."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        _("Something went wrong on our side"),
        _("Nothing you did caused this. Please try again in a moment."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    security.event(request, "csrf failed")
    return _refused(request)


class CalmReporter(ExceptionReporter):
    """In development too, a person sees Tend's calm page, never a stack trace.

    Django shows its technical 500 page when DEBUG is on; with this reporter it shows ours
    instead. The traceback still goes where developers look: the console and the log
    ("Internal Server Error: /path" with the full traceback, from the django.request logger).
    """

    def _calm(self) -> SafeString:
        request = self.request or HttpRequest()
        if self.exc_type is not None and issubclass(self.exc_type, SuspiciousOperation):
            response = bad_request(request)
        else:
            response = server_error(request)
        # Our own page, already escaped by our template.
        return mark_safe(response.content.decode())  # noqa: S308

    def get_traceback_html(self) -> SafeString:
        try:
            return self._calm()
        except Exception:  # our page itself broke: the developer needs the details
            return super().get_traceback_html()

    def get_traceback_text(self) -> SafeString:
        try:
            return self._calm()
        except Exception:
            return super().get_traceback_text()


class DevelopmentPages:
    """With DEBUG on, a missing page is Tend's own 404, as it is in production.

    Django's technical 404 page (with the list of URL patterns) is for framework authors;
    a person trying Tend on a laptop should see what everyone else sees. Sits after
    CommonMiddleware, so that a missing trailing slash still redirects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                return not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return not_found(request)
        return None
