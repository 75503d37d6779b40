"""The client's journal: write (freely, from a prompt, or a ripple), share, take back.

Private means private: an entry nobody was given is read by the safety screen only, so
that words that may mean danger show the client crisis lines at once. Only a shared entry
reaches the practitioner, and only a shared entry opens an alert.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.clients.client_views import client_required
from tend.clients.models import Client
from tend.integration import library
from tend.integration.models import Exercise
from tend.journal import services
from tend.journal.forms import EntryForm, RippleForm
from tend.journal.models import Entry, EntryKind
from tend.practices import tenancy


def _prompt(client: Client, exercise_id: object, number: object) -> tuple[Exercise, str] | None:
    """The practice and prompt an entry answers, if the link named a real one."""
    if not isinstance(exercise_id, int) or not isinstance(number, int):
        return None
    exercise = library.visible(client.practice_id).filter(pk=exercise_id).first()
    prompts = exercise.words(client.language).get("prompts", []) if exercise else []
    if exercise is None or not isinstance(prompts, list) or not 0 <= number < len(prompts):
        return None
    return exercise, str(prompts[number])


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _page(
    request: HttpRequest,
    form: EntryForm | None = None,
    ripple: RippleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    name = client.practitioner.name
    source = request.POST if request.method == "POST" else request.GET
    asked = _prompt(client, _int(source.get("exercise")), _int(source.get("prompt")))
    if form is None:
        initial = {"exercise": source.get("exercise"), "prompt": source.get("prompt")}
        form = EntryForm(practitioner_name=name, initial=initial if asked else {})
    entries = (
        tenancy.scoped(request, Entry)
        .select_related("seen_by")
        .prefetch_related("replies__practitioner")
        .order_by("-created_at")
    )
    ctx = {
        "form": form,
        "ripple": ripple or RippleForm(practitioner_name=name, prefix="ripple"),
        "asked": asked[1] if asked else "",
        "entries": entries[:100],
    }
    return render(request, "journal/journal.html", ctx, status=status)


@client_required
def journal(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@client_required
def write(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    is_ripple = "ripple-text" in request.POST
    name = client.practitioner.name
    if is_ripple:
        form: EntryForm = RippleForm(request.POST, practitioner_name=name, prefix="ripple")
    else:
        form = EntryForm(request.POST, practitioner_name=name)
    if not form.is_valid():
        if is_ripple:
            return _page(request, ripple=form, status=400)  # type: ignore[arg-type]
        return _page(request, form=form, status=400)
    data = form.cleaned_data
    asked = _prompt(client, data.get("exercise"), data.get("prompt"))
    kind = EntryKind.RIPPLE if is_ripple else EntryKind.PROMPT if asked else EntryKind.FREE
    entry = services.write(
        client,
        data["text"],
        kind=kind,
        prompt=asked[1] if asked else "",
        exercise=asked[0] if asked else None,
        share=data["share"],
    )
    if entry.needs_crisis_lines:
        return render(request, "journal/written.html", {"entry": entry})
    messages.success(request, _written(entry, name))
    return redirect("journal:journal")


def _written(entry: Entry, name: str) -> str:
    if entry.is_shared:
        return _("Saved and shared with %(name)s.") % {"name": name}
    return _("Saved. It's private: only you can read it.")


@require_POST
@client_required
def share(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = tenancy.get_or_404(request, Entry, pk=entry_id)
    services.share_entry(entry)
    name = entry.client.practitioner.name
    messages.success(
        request, _("Shared with %(name)s. You can take it back at any time.") % {"name": name}
    )
    return redirect("journal:journal")


@require_POST
@client_required
def unshare(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = tenancy.get_or_404(request, Entry, pk=entry_id)
    services.unshare_entry(entry)
    messages.success(request, _("Taken back. It's private again: only you can read it."))
    return redirect("journal:journal")
