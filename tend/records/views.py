"""The practice's records, for its admins: who opened a client's record (and a CSV of it),
erasing a client, and exporting the whole practice."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tend.audit import trail
from tend.audit.models import Action, Event
from tend.clients.models import Client
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required
from tend.records import erasure
from tend.records import export as exporting
from tend.records.forms import EraseForm

TRAIL_PAGE = 500


@require_http_methods(["GET"])
@admin_required
def client_trail(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    events = trail.for_client(client.practice_id, client.pk)[:TRAIL_PAGE]
    ctx = {"client": client, "events": events, "page": TRAIL_PAGE}
    return render(request, "records/trail.html", ctx)


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with one of these as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_http_methods(["GET"])
@admin_required
def client_trail_csv(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    response = _attachment(HttpResponse(content_type="text/csv; charset=utf-8"), "csv", client)
    writer = csv.writer(response)
    writer.writerow(
        ["at_utc", "action", "what", "practitioner_id", "practitioner", "by_client", "record"]
    )
    for event in trail.for_client(client.practice_id, client.pk).iterator():
        writer.writerow(_row(event))
    return response


def _row(event: Event) -> list[str]:
    who = event.actor.name if event.actor else ""
    return [
        event.at.astimezone(dt.UTC).isoformat(),
        event.action,
        str(event.get_action_display()),
        str(event.actor_id or ""),
        _cell(who),
        "yes" if event.by_client else "",
        event.record,
    ]


def _attachment(response: HttpResponse, extension: str, client: Client | None) -> HttpResponse:
    day = timezone.localdate().isoformat()
    name = f"tend-client-{client.pk}-trail" if client else "tend-practice"
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@admin_required
def erase(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    form = EraseForm(request.POST or None, expected=client.name)
    if request.method == "POST":
        if form.is_valid():
            erasure.erase(client, by=request.user)
            # No name here: the message waits in the browser, and the client is gone.
            messages.success(
                request,
                _(
                    "The client is erased. Only the audit trail says a "
                    "client was, with no word of theirs."
                ),
            )
            return redirect("clients:list")
        return render(request, "records/erase.html", {"client": client, "form": form}, status=400)
    return render(request, "records/erase.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
@admin_required
def export(request: PractitionerRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "records/export.html")
    practice = request.user.practice
    data = exporting.practice_everything(practice)
    trail.record_each(request.user, tenancy.for_practice(Client, practice.pk), Action.EXPORTED)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, "json", None)
