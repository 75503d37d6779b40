"""The practitioner's pages about clients: adding, editing and inviting them.

The list of clients (with their last check-in) is in tend/checkins/views.py, and a client's
page (sessions, check-ins, alerts) in tend/alerts/views.py: each page lives in the highest
app it reads from.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.audit import trail
from tend.audit.models import Action
from tend.clients import links, signals
from tend.clients.forms import ClientForm
from tend.clients.models import Client
from tend.lib import when
from tend.practices import limits, tenancy
from tend.practices.requests import PractitionerRequest


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
        trail.record(request, client, Action.CHANGED_CLIENT)
        if "email" in form.changed_data:  # a link sent to the old address must not work
            links.sign_out_everywhere(client)
        if {"timezone", "quiet_start", "quiet_end"} & set(form.changed_data):
            signals.clock_changed.send(sender=Client, client=client)
        messages.success(request, _("Saved."))
        return redirect("clients:detail", client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@login_required
@require_POST
def client_invite(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    _invite(request, client)
    return redirect("clients:detail", client.pk)


@login_required
@require_POST
def client_sign_out(request: PractitionerRequest, client_id: int) -> HttpResponse:
    """Sign the client out on every device, and stop every link they have not used."""
    client = tenancy.get_or_404(request, Client, pk=client_id)
    links.sign_out_everywhere(client)
    trail.record(request, client, Action.SIGNED_OUT)
    messages.success(
        request,
        _(
            "%(name)s is signed out everywhere, and links already sent no longer work. "
            "They can ask for a new one by email."
        )
        % {"name": client.name},
    )
    return redirect("clients:detail", client.pk)


def _invite(request: PractitionerRequest, client: Client) -> None:
    wait = limits.take(
        (limits.CLIENT_INVITATIONS_BY_PRACTICE, client.practice_id),
        (limits.CLIENT_INVITATIONS_TO, client.email.strip().lower()),
    )
    if wait is not None:
        messages.error(
            request,
            _(
                "Several invitations went out in the last hour, so we haven't sent another "
                "to %(email)s just now. You can send it from %(when)s."
            )
            % {"email": client.email, "when": when.when(wait)},
        )
    elif links.invitation_send(client=client):
        messages.success(
            request, _("The invitation is on its way to %(email)s.") % {"email": client.email}
        )
    else:
        messages.error(
            request,
            _("No mail server would take %(email)s as it is written. Please check the address.")
            % {"email": client.email},
        )
