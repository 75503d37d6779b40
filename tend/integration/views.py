"""The client's practices: the whole library, one practice, and "I did this". A practice
from a follow-up email opens with no sign-in (links.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.clients.client_views import client_required
from tend.clients.models import Client
from tend.integration import library as practices
from tend.integration import links, services
from tend.integration.models import Exercise, Kind


def _visible(client: Client, exercise_id: int) -> Exercise:
    try:
        return practices.visible(client.practice_id).get(pk=exercise_id)
    except Exercise.DoesNotExist:
        raise Http404 from None


@client_required
def library(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    language = request.LANGUAGE_CODE
    every = list(practices.visible(client.practice_id))
    kinds = [
        {
            "kind": kind,
            "cards": [practices.card(e, language) for e in every if e.kind == kind],
        }
        for kind in Kind
    ]
    return render(request, "integration/library.html", {"kinds": [k for k in kinds if k["cards"]]})


@client_required
def practice(request: HttpRequest, exercise_id: int) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    exercise = _visible(client, exercise_id)
    return _page(request, exercise, reverse("integration:done", args=[exercise.pk]))


def _page(request: HttpRequest, exercise: Exercise, done_url: str) -> HttpResponse:
    ctx = {**practices.card(exercise, translation.get_language()), "done_url": done_url}
    return render(request, "integration/practice.html", ctx)


@require_POST
@client_required
def done(request: HttpRequest, exercise_id: int) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    exercise = _visible(client, exercise_id)
    services.did(client, exercise)
    messages.success(request, _("Noted. Thank you for giving yourself this time."))
    return redirect("integration:practice", exercise.pk)


def by_link(request: HttpRequest, token: str) -> HttpResponse:
    """A practice from an email. Nothing to sign in to; "I did this" is kept for them."""
    found = links.read(token)
    client = (
        Client.objects.select_related("practitioner").filter(pk=found[0]).first() if found else None
    )
    if found is None or client is None:
        return render(request, "integration/link_problem.html", status=404)
    with translation.override(client.language):
        exercise = _visible(client, found[1])
        if request.method == "POST":
            services.did(client, exercise)
            messages.success(request, _("Noted. Thank you for giving yourself this time."))
            return redirect(request.path)
        response = _page(request, exercise, request.path)
        response["Content-Language"] = client.language
        return response
