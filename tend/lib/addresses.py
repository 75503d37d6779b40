"""Where a request came from, for the limits on signing in and on sending email.

Behind a reverse proxy every request arrives from the proxy's own address; counting that
would let ten wrong passwords from anyone pause signing in for the whole practice. Each
trusted proxy appends the address it saw to X-Forwarded-For, so with `TEND_TRUSTED_PROXIES`
proxies in front of Tend the client's address is that many entries from the right. Entries
further left were written by the client and are never believed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
