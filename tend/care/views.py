from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tend.audit import trail
from tend.audit.models import Action
from tend.care import plans, services
from tend.care.forms import SessionForm
from tend.care.models import Session
from tend.clients.models import Client
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest


@login_required
def session_add(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    initial = {"starts_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _with_preview(request, form, client)
        session = services.session_log(form=form, client=client, practitioner=request.user)
        trail.record(request, client, Action.ADDED_SESSION, session)
        if _all_past(form, client):
            messages.warning(request, _(ALL_PAST_SAVED))
        else:
            messages.success(request, _("Session logged. Tend will follow up."))
        return redirect("clients:detail", client.pk)
    return render(request, "care/session_form.html", {"form": form, "client": client})


ALL_PAST_SAVED = gettext_noop(
    "Session saved. Every check-in of its plan falls in the past, so Tend will not send any."
)


def _all_past(form: SessionForm, client: Client) -> bool:
    hours = services.chosen_hours(form, client)
    times = plans.preview(client, form.cleaned_data["starts_at"], hours)
    return plans.all_past(times, timezone.now())


def _with_preview(
    request: PractitionerRequest, form: SessionForm, client: Client, session: Session | None = None
) -> HttpResponse:
    """Show the exact check-in times, in the client's zone, before anything is saved."""
    hours = services.chosen_hours(form, client)
    times = plans.preview(client, form.cleaned_data["starts_at"], hours)
    # The plan field stays as written: empty still means "the plan for this intensity".
    ctx: dict[str, object] = {"form": form, "client": client, "session": session}
    ctx |= {"preview": times, "preview_plan": plans.format_hours(hours)}
    ctx["all_past"] = plans.all_past(times, timezone.now())
    return render(request, "care/session_form.html", ctx)


@login_required
def session_edit(request: PractitionerRequest, session_id: int) -> HttpResponse:
    session = tenancy.get_or_404(request, Session.objects.select_related("client"), pk=session_id)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _with_preview(request, form, session.client, session)
        services.session_update(form=form)
        trail.record(request, session.client, Action.CHANGED_SESSION, session)
        if _all_past(form, session.client):
            messages.warning(request, _(ALL_PAST_SAVED))
        else:
            messages.success(request, _("Session saved."))
        return redirect("clients:detail", session.client_id)
    ctx = {"form": form, "client": session.client, "session": session}
    trail.record(request, session.client, Action.VIEWED_SESSION, session)
    return render(request, "care/session_form.html", ctx)


@login_required
def session_delete(request: PractitionerRequest, session_id: int) -> HttpResponse:
    session = tenancy.get_or_404(request, Session.objects.select_related("client"), pk=session_id)
    if request.method == "POST":
        client_id = session.client_id
        trail.record(request, session.client, Action.DELETED_SESSION, session)
        services.session_delete(session=session)
        messages.success(request, _("Session deleted."))
        return redirect("clients:detail", client_id)
    return render(request, "care/session_delete.html", {"session": session})
