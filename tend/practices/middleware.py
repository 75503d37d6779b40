from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control


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
