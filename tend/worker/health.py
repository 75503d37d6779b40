"""/health/: 200 when the database answers and a worker has been seen in the last five
minutes, 503 otherwise, with which of the two failed (for a load balancer or an uptime
check). It says nothing about any practice or client."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from tend.notify import heartbeat


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
        worker = "ok" if heartbeat.alive() else "not seen for 5 minutes"
    except DatabaseError:
        database, worker = "not answering", "unknown"
    healthy = database == "ok" and worker == "ok"
    return JsonResponse({"database": database, "worker": worker}, status=200 if healthy else 503)
