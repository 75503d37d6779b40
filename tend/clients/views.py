"""The practitioner's pages about clients."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.alerts import reasons
from tend.alerts.models import AlertState
from tend.clients import links, selectors, signals
from tend.clients.forms import ClientForm
from tend.clients.models import Client
from tend.lib.emails import EmailNotSent
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest


@login_required
def client_list(request: PractitionerRequest) -> HttpResponse:
    clients = selectors.clients_with_last_checkin(tenancy.scoped(request, Client))
    return render(request, "clients/list.html", {"clients": clients})


@login_required
def client_add(request: PractitionerRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, practice_id=request.user.practice_id)
    if request.method == "POST" and form.is_valid():
        client = form.save(commit=False)
        client.practice_id = request.user.practice_id
        client.practitioner = request.user
        client.save()
        if form.cleaned_data["send_invitation"]:
            _invite(request, client)
        return redirect("clients:detail", client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None})


@login_required
def client_edit(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    form = ClientForm(request.POST or None, instance=client, practice_id=client.practice_id)
    if request.method == "POST" and form.is_valid():
        form.save()
        if {"timezone", "quiet_start", "quiet_end"} & set(form.changed_data):
            signals.clock_changed.send(sender=Client, client=client)
        messages.success(request, _("Saved."))
        return redirect("clients:detail", client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@login_required
def client_detail(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(
        request, Client.objects.select_related("practitioner"), pk=client_id
    )
    alerts = [
        (alert, reasons.reason(alert))
        for alert in client.alerts.exclude(state=AlertState.RESOLVED).select_related(
            "acknowledged_by"
        )
    ]
    ctx = {
        "client": client,
        "timeline": selectors.timeline(client),
        "alerts": alerts,
        "has_open_alerts": any(a.state == AlertState.OPEN for a, _reason in alerts),
        "replies": selectors.recent_replies(client),
    }
    return render(request, "clients/detail.html", ctx)


@login_required
@require_POST
def client_invite(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    _invite(request, client)
    return redirect("clients:detail", client.pk)


def _invite(request: PractitionerRequest, client: Client) -> None:
    try:
        links.invitation_send(client=client)
    except EmailNotSent:
        messages.error(
            request,
            _("We couldn't send the invitation just now. Please try again in a few minutes."),
        )
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": client.email})
