"""My path, and Download my data: the client's own, in their language."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from tend.audit import trail
from tend.audit.models import Action
from tend.checkins import path
from tend.clients.client_views import client_required
from tend.clients.models import Client


@client_required
def my_path(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    ctx = {"steps": path.steps(client, request.LANGUAGE_CODE), "opened": trail.who_opened(client)}
    return render(request, "checkins/path.html", ctx)


def _attachment(response: HttpResponse, client: Client, extension: str) -> HttpResponse:
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tend-{day}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@client_required
def download_json(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    body = json.dumps(path.everything(client), ensure_ascii=False, indent=2)
    trail.record(request, client, Action.DOWNLOADED)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, client, "json")


@client_required
def download_html(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    ctx = {"data": path.everything(client), "client": client, "made": timezone.now()}
    body = render_to_string("checkins/my_data.html", ctx, request=request)
    trail.record(request, client, Action.DOWNLOADED)
    return _attachment(HttpResponse(body), client, "html")
