from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tend.clients.models import Client

SESSION_KEY = "tend_client_id"


def _client(request: HttpRequest) -> Client | None:
    client_id = request.session.get(SESSION_KEY)
    if client_id is None:
        return None
    return Client.objects.select_related("practitioner", "practice").filter(pk=client_id).first()


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
    request.client = client  # type: ignore[attr-defined]


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    request.client = None  # type: ignore[attr-defined]
