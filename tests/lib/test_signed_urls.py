from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse

from tend.lib.signed_urls import signed_url


def test_a_signed_url_is_the_site_address_of_the_view_with_the_signed_value(
    settings: Any,
) -> None:
    settings.SITE_URL = "https://tend.example.org"
    url = signed_url("checkins:answer", [7, "tender"], salt="s")
    prefix = "https://tend.example.org" + reverse("checkins:answer", args=["X"])[: -len("X/")]
    assert url.startswith(prefix)
    token = url.removeprefix(prefix).removesuffix("/")
    assert signing.loads(token, salt="s") == [7, "tender"]
    settings.SITE_URL = "http://other.example"
    assert signed_url("checkins:answer", [7, "tender"], salt="s").startswith(
        "http://other.example/"
    )
