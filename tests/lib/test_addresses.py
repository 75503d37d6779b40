"""The address counted by the limits: REMOTE_ADDR, or behind trusted proxies the address
the nearest proxy saw, never what the client wrote into X-Forwarded-For."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from tend.lib.addresses import client_ip


def request(forwarded: str | None = None) -> HttpRequest:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **extra)


def test_with_no_proxy_the_header_is_ignored() -> None:
    with override_settings(TRUSTED_PROXIES=0):
        assert client_ip(request("203.0.113.7")) == "10.0.0.2"


def test_behind_proxies_the_nearest_ones_entry_counts() -> None:
    with override_settings(TRUSTED_PROXIES=1):
        assert client_ip(request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"
        assert client_ip(request()) == "10.0.0.2"
    with override_settings(TRUSTED_PROXIES=2):
        got = client_ip(request("6.6.6.6, 203.0.113.7, 10.0.0.9"))
        assert got == "203.0.113.7"
        assert client_ip(request("10.0.0.9")) == "10.0.0.2"
