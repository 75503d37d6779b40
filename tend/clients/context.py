from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def signed_in_client(request: HttpRequest) -> dict[str, Any]:
    return {"signed_in_client": getattr(request, "client", None)}
