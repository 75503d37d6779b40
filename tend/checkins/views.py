"""The client's space (their check-ins and the replies to them), and the practitioner's list
of clients with their last check-in.

Writing back to a reply and the practitioner's check-in page are in tend/alerts/views.py:
they open and show alerts.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tend.care import plans
from tend.care.models import Session
from tend.checkins import offered, selectors, services
from tend.checkins.forms import CheckInForm, ClientReplyForm
from tend.checkins.models import CheckIn, ClientReply, Reply, State
from tend.clients.client_views import client_required
from tend.clients.models import Client
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest


def checkin_form(request: HttpRequest, data: object = None) -> CheckInForm:
    practitioner = request.client.practitioner  # type: ignore[attr-defined]
    return CheckInForm(data, practitioner_name=practitioner.name)


def home_page(
    request: HttpRequest,
    form: CheckInForm,
    status: int = 200,
    answer_form: ClientReplyForm | None = None,
    answer_to: int | None = None,
) -> HttpResponse:
    latest = services.latest_session(request.client)  # type: ignore[attr-defined]
    note_session = (
        latest
        if latest is None or latest.client_note
        else tenancy.scoped(request, Session)
        .filter(starts_at__lte=timezone.now())
        .exclude(client_note="")
        .order_by("-starts_at")
        .first()
    )
    answered = tenancy.scoped(request, CheckIn).filter(state=State.ANSWERED)
    recent = (
        answered.select_related("seen_by")
        .prefetch_related("replies__practitioner", "replies__answers")
        .order_by("-answered_at")[:5]
    )
    # Replies about no check-in (after a silence, say) are shown on their own.
    letters = (
        tenancy.scoped(request, Reply)
        .filter(checkin=None, entry=None)  # those about an entry are under it, in the journal
        .select_related("practitioner")
        .prefetch_related("answers")
        .order_by("-created_at")[:5]
    )
    first = selectors.waiting_replies(request.client, timezone.now())  # type: ignore[attr-defined]
    guidance, exercises = plans.aftercare(latest, request.LANGUAGE_CODE) if latest else ("", [])
    offered_now = offered.cards(exercises, request.LANGUAGE_CODE)
    ctx = {
        "form": form,
        "note_session": note_session,
        "recent": recent,
        "guidance": guidance,
        "offered": offered_now,
        "waiting": services.open_checkin(request.client),  # type: ignore[attr-defined]
        "letters": [r for r in letters if r not in first],
        # What waits for the client comes first on a phone's first screen: the
        # practitioner's unanswered reply, then the check-in they were asked for.
        "first_replies": first,
        "first_ids": {r.pk for r in first},
        "answer_form": answer_form or ClientReplyForm(),
        "answer_to": answer_to,
    }
    return render(request, "checkins/home.html", ctx, status=status)


@client_required
def home(request: HttpRequest) -> HttpResponse:
    return home_page(request, checkin_form(request))


@require_POST
@client_required
def submit(request: HttpRequest) -> HttpResponse:
    form = checkin_form(request, request.POST)
    if not form.is_valid():
        return home_page(request, form, status=400)
    checkin = services.checkin_answer(client=request.client, data=form.cleaned_data)  # type: ignore[attr-defined]
    return redirect("checkins:thanks", checkin.pk)


@client_required
def thanks(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = tenancy.get_or_404(
        request, CheckIn.objects.select_related("client", "session"), pk=checkin_id
    )
    ctx = {"checkin": checkin, "suggested": offered.after(checkin)}
    return render(request, "checkins/thanks.html", ctx)


@client_required
def wrote_back(request: HttpRequest, answer_id: int) -> HttpResponse:
    answer = tenancy.get_or_404(
        request, ClientReply.objects.select_related("client__practitioner"), pk=answer_id
    )
    return render(request, "checkins/wrote_back.html", {"answer": answer})


@login_required
def client_list(request: PractitionerRequest) -> HttpResponse:
    """The practitioner's clients, each with their last check-in."""
    clients = selectors.clients_with_last_checkin(tenancy.scoped(request, Client))
    return render(request, "checkins/client_list.html", {"clients": clients})
