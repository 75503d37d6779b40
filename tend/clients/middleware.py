from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tend.clients.models import Client

SESSION_KEY = "tend_client_id"
SINCE_KEY = "tend_client_since"  # when this session signed in, as a POSIX timestamp


def _client(request: HttpRequest) -> Client | None:
    client_id = request.session.get(SESSION_KEY)
    if client_id is None:
        return None
    client = Client.objects.select_related("practitioner", "practice").filter(pk=client_id).first()
    ended = client.sessions_ended_at if client is not None else None
    if ended is not None and request.session.get(SINCE_KEY, 0.0) < ended.timestamp():
        request.session.pop(SESSION_KEY, None)  # this session ended: signed out
        return None
    return client


class ClientMiddleware:
    """Puts the signed-in client (if any) on `request.client`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = _client(request)
        request.client = client  # type: ignore[attr-defined]
        return self.get_response(request)


def sign_in(request: HttpRequest, client: Client) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = client.pk
    request.session[SINCE_KEY] = timezone.now().timestamp()
    request.client = client  # type: ignore[attr-defined]


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    request.client = None  # type: ignore[attr-defined]
