"""The client help page (/c/help/), and a practice's own crisis lines (/practice/crisis-lines/)."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.clients.models import Client
from tend.lib import countries, zones
from tend.practices import tenancy
from tend.practices.errors import forbidden, not_found
from tend.practices.models import Practitioner
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required
from tend.safety import crisis, resources
from tend.safety.display import current_language, present
from tend.safety.forms import CrisisLineForm, RemoveLineForm
from tend.safety.models import CrisisLine


def _chosen_country(raw: object) -> tuple[str, bool]:
    """(code, bad): a known country code from ?country=, or "" and whether it was junk."""
    if raw is None or raw == "":
        return "", False
    if not isinstance(raw, str) or len(raw) > 8:
        return "", True
    code = zones.normalise_country(raw)
    if len(code) == 2 and code.isascii() and code.isalpha() and countries.is_known(code):
        return code, False
    return "", True


def _browser_region(request: HttpRequest) -> str:
    """A guess to preselect, never to show: MX from a browser asking for "es-MX,es;q=0.9"."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
    parts = first.strip().replace("_", "-").split("-")
    return zones.normalise_country(parts[1]) if len(parts) == 2 else ""


def _language(request: HttpRequest, signed_in: Client | None, client: Client | None) -> str:
    """The page's language when nobody is signed in: the hinted client's, or ?lang=."""
    if signed_in is not None:
        return ""  # PersonalSettingsMiddleware already speaks the signed-in client's language
    if client is not None:
        return client.language
    chosen = request.GET.get("lang", "")
    return chosen if chosen in dict(settings.LANGUAGES) else ""


def help_page(request: HttpRequest) -> HttpResponse:
    """Crisis lines for whoever is here: no sign-in needed, never an error page.

    A signed-in client sees their practice's lines and their country's first. Anyone else
    chooses a country (?country=XX); the international directories are always on the page,
    and every country's lines are one tap away (?all=1).
    """
    signed_in: Client | None = getattr(request, "client", None)
    hint = request.GET.get("for", "")
    client = signed_in or crisis.client_from_hint(hint)
    language = _language(request, signed_in, client)
    override = translation.override(language) if language else contextlib.nullcontext()
    with override:
        response = render(request, "safety/help.html", _help_context(request, signed_in, client))
        if language:
            response.headers["Content-Language"] = language
        return response


def _help_context(
    request: HttpRequest, signed_in: Client | None, client: Client | None
) -> dict[str, Any]:
    chosen, bad = _chosen_country(request.GET.get("country"))
    own = crisis.country_for(client) if client is not None else ""
    keep: dict[str, str] = {}
    if signed_in is None and client is not None:
        keep["for"] = request.GET.get("for", "")
    elif signed_in is None and translation.get_language():
        keep["lang"] = translation.get_language()
    with_lines = countries.with_lines()
    listed = {code for code, _name in with_lines}
    shown = chosen or own
    ctx: dict[str, Any] = {
        "client": client,
        "practice_id": client.practice_id if client is not None else None,
        "chosen": chosen,
        "bad_country": bad,
        "own_country": own,
        "shown_country": shown,
        "shown_name": countries.name(shown) if shown else "",
        "has_lines": zones.normalise_country(shown) in resources.countries(),
        "with_lines": with_lines,
        "selected": next((c for c in (shown, _browser_region(request)) if c in listed), ""),
        "keep": keep,
        "all_url": "?" + urlencode({**keep, "all": "1"}),
        "back_url": "?" + urlencode(keep) if keep else "",
        "show_all": request.GET.get("all") == "1",
        "international": [
            present(entry, current_language()) for entry in resources.international()
        ],
    }
    return ctx


@login_required
def crisis_lines(request: PractitionerRequest) -> HttpResponse:
    """The practice's own crisis lines: the list, and for an admin, a form to add one."""
    can_edit = request.user.role == Practitioner.Role.ADMIN
    if request.method == "POST" and not can_edit:
        return forbidden(request)
    form = CrisisLineForm(request.POST or None, practice_id=request.user.practice_id)
    if request.method == "POST" and form.is_valid():
        line = form.save(commit=False)
        line.practice_id = request.user.practice_id
        line.save()
        messages.success(request, _("Added. Your clients will see it first."))
        return redirect("safety:crisis_lines")
    lines = list(tenancy.scoped(request, CrisisLine))
    for line in lines:
        line.country_name = countries.name(line.country) if line.country else ""  # type: ignore[attr-defined]
    ctx = {"form": form, "lines": lines, "can_edit": can_edit}
    return render(request, "safety/crisis_lines.html", ctx)


@require_POST
@admin_required
def crisis_line_remove(request: PractitionerRequest) -> HttpResponse:
    form = RemoveLineForm(request.POST)
    if not form.is_valid():
        return not_found(request)
    line = tenancy.get_or_404(request, CrisisLine, pk=form.cleaned_data["line"])
    line.delete()
    messages.success(request, _("Removed “%(name)s”.") % {"name": line.name})
    return redirect("safety:crisis_lines")
