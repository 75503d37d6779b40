"""The client's own pages: signing in with a link, and their preferences."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tend.audit import trail
from tend.audit.models import Action
from tend.clients import email_links, links, pauses, signals
from tend.clients.forms import ClientPreferencesForm, FreshLinkForm
from tend.clients.middleware import sign_in, sign_out
from tend.clients.models import Client
from tend.practices import errors, limits

View = Callable[..., HttpResponse]


def client_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "client", None) is None:
            return redirect("client:signin")
        return view(request, *args, **kwargs)

    return wrapper


def signin(request: HttpRequest) -> HttpResponse:
    form = FreshLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        wait = limits.take(
            (limits.CLIENT_LINKS_FROM, limits.address(request)),
            (limits.CLIENT_LINKS_TO, email.strip().lower()),
        )
        if wait is not None:
            return errors.sending_paused(request, wait)
        links.fresh_links_for_email(email)  # the worker sends them
        return render(request, "clients/signin_sent.html")
    return render(request, "clients/signin.html", {"form": form})


def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button; POST uses the link. Mail scanners that open links use nothing."""
    link = links.link_find(token)
    problem = links.link_problem(link)
    language = link.client.language if link else translation.get_language()
    with translation.override(language):
        if problem is not None:
            return _link_problem(request, token, problem)
        if request.method == "POST":
            result = links.link_redeem(token)
            if isinstance(result, links.LinkProblem):
                return _link_problem(request, token, result)
            sign_in(request, result)
            return redirect("checkins:home")
        return render(request, "clients/signin_confirm.html", {"client": link and link.client})


def _link_problem(request: HttpRequest, token: str, problem: links.LinkProblem) -> HttpResponse:
    ctx = {"problem": problem.value, "token": token, "form": FreshLinkForm()}
    status = 404 if problem is links.LinkProblem.UNKNOWN else 410
    return render(request, "clients/signin_problem.html", ctx, status=status)


@require_POST
def signin_link_fresh(request: HttpRequest, token: str) -> HttpResponse:
    """From an expired or used link: send a new one to the same client, no typing needed."""
    link = links.link_find(token)
    if link is None:
        return redirect("client:signin")
    with translation.override(link.client.language):
        wait = limits.take((limits.CLIENT_LINKS_FROM, limits.address(request)))
        if wait is not None:
            return errors.sending_paused(request, wait)
        wait_until = links.fresh_link_send(client=link.client)
        ctx = {"wait_until": wait_until, "zone": link.client.timezone}
        return render(request, "clients/signin_sent.html", ctx)


@client_required
def preferences(request: HttpRequest) -> HttpResponse:
    client = request.client  # type: ignore[attr-defined]
    form = ClientPreferencesForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        form.save()
        if {"timezone", "quiet_start", "quiet_end"} & set(form.changed_data):
            signals.clock_changed.send(sender=Client, client=client)
        translation.activate(client.language)
        messages.success(request, _("Saved. Thank you."))
        return redirect("checkins:home")
    ctx = {"form": form, "now_utc": timezone.now(), "resumes_at": pauses.resumes_at(client)}
    return render(request, "clients/preferences.html", ctx)


@require_POST
@client_required
def language(request: HttpRequest) -> HttpResponse:
    client = request.client  # type: ignore[attr-defined]
    chosen = request.POST.get("language", "")
    if chosen in dict(ClientPreferencesForm.base_fields["language"].choices):  # type: ignore[attr-defined]
        client.language = chosen
        client.save(update_fields=["language"])
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/c/") else "checkins:home")


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("client:signin")


# RFC 8058 one-click: the mail provider posts without our cookie; the token is the key.
@csrf_exempt
def emails_stop(request: HttpRequest, token: str) -> HttpResponse:
    """From the link in every email (and List-Unsubscribe): GET asks, POST stops."""
    client = Client.objects.filter(pk=email_links.read(token, email_links.STOP) or 0).first()
    if client is None:
        return render(request, "clients/email_link_problem.html", status=400)
    with translation.override(client.language):
        if request.method == "POST":
            pauses.stop_emails(client)
            trail.record(request, client, Action.EMAILS_STOPPED)
            return render(request, "clients/emails_stopped.html", {"client": client})
        return render(request, "clients/emails_stop.html", {"client": client, "token": token})


def quiet_day(request: HttpRequest, token: str) -> HttpResponse:
    client = Client.objects.filter(pk=email_links.read(token, email_links.QUIET_DAY) or 0).first()
    if client is None:
        return render(request, "clients/email_link_problem.html", status=400)
    with translation.override(client.language):
        if request.method == "POST":
            pauses.pause(client, days=1)
            ctx: dict[str, object] = {"client": client, "until": pauses.resumes_at(client)}
            return render(request, "clients/quiet_day_set.html", ctx)
        ctx = {"client": client, "token": token, "late": pauses.is_late_evening(client)}
        return render(request, "clients/quiet_day.html", ctx)


@require_POST
@client_required
def followup(request: HttpRequest) -> HttpResponse:
    """Pause, resume, or restart follow-up emails from the client's settings."""
    client = request.client  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    if action == "resume":
        pauses.resume(client)
        messages.success(request, _("Welcome back. Follow-up is on again."))
    elif action == "restart_emails":
        pauses.restart_emails(client)
        messages.success(request, _("Follow-up emails are on again."))
    elif action == "stop_emails":
        pauses.stop_emails(client)
        trail.record(request, client, Action.EMAILS_STOPPED)
        messages.success(request, _("No more follow-up emails. You can still check in here."))
    elif action in PAUSE_DAYS:
        pauses.pause(client, days=PAUSE_DAYS[action])
        messages.success(request, _("Paused. Rest well; nothing will arrive until then."))
    else:
        messages.error(request, _("Please choose one of the options."))
    return redirect("client:preferences")


PAUSE_DAYS = {"pause_1": 1, "pause_3": 3, "pause_7": 7}
