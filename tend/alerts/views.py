"""The practitioner's queue, and acting on alerts: acknowledge, reply, resolve.

Also the pages that show alerts with what they are about: a client's page, a check-in's
page, and the client writing back to a reply (which opens an alert).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.alerts import brief, overview, queue, reasons, services, words
from tend.alerts.forms import AcknowledgeForm, ReplyForm, ResolveForm
from tend.alerts.models import Alert, AlertState
from tend.assessments import results
from tend.assessments import services as services_questionnaires
from tend.assessments.forms import AssignForm
from tend.audit import trail
from tend.audit.models import Action
from tend.checkins import selectors
from tend.checkins.forms import ClientReplyForm
from tend.checkins.models import CheckIn, Reply, State
from tend.checkins.views import checkin_form, home_page
from tend.clients.client_views import client_required
from tend.clients.models import Client
from tend.journal import services as journal
from tend.journal.models import Entry
from tend.lib import fast_urls
from tend.practices import tenancy
from tend.practices.models import Move, Practitioner
from tend.practices.requests import PractitionerRequest


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return needs_you_now(request)  # type: ignore[arg-type]
    if getattr(request, "client", None) is not None:
        return redirect("checkins:home")
    return redirect("login")


@login_required
def needs_you_now(request: PractitionerRequest) -> HttpResponse:
    return render(request, "alerts/queue.html", _queue_context(request))


@login_required
def queue_part(request: PractitionerRequest) -> HttpResponse:
    """The queue alone, for the page to fetch every half minute and swap in (tend/static's
    queue.js): the list keeps itself current without a reload."""
    return render(request, "alerts/queue_part.html", _queue_context(request))


def _queue_context(request: PractitionerRequest) -> dict[str, object]:
    is_admin = request.user.role == Practitioner.Role.ADMIN
    everyone = is_admin and request.GET.get("all") == "1"
    entries, waiting = queue.needs_you_now(request.user, everyone=everyone)
    return {
        "rows": _rows(entries, request.user),
        "waiting": waiting,
        "everyone": everyone,
        "is_admin": is_admin,
        # One hidden input for every row's form: {% csrf_token %} in the loop built it anew
        # for each row.
        "csrf_input": csrf_input(request),
    }


# Each reason links to its alert. Joined here: a loop in the template, inside the loop over
# the rows, cost more than all the rest of a row.
_REASON = '<li><a href="{}">{}</a></li>'


def _rows(entries: list[queue.Entry], me: Practitioner) -> list[dict[str, object]]:
    """What each entry shows, worked out here: the page stays quick however long the queue."""
    client_url = fast_urls.by_id("clients:detail")
    acknowledge_url = fast_urls.by_id("alerts:acknowledge")
    alert_url = fast_urls.by_id("alerts:detail")
    # Looked up once, not once a row.
    whose = _("%(name)s's client")
    waiting = _("waiting %(since)s")
    just_now = _("waiting since just now")
    acknowledge = _("Acknowledge %(name)s")
    reply_label = _("Reply to %(name)s (optional)")
    no_answers = {
        True: _("No answers since the last session"),
        False: _("No answers in the last %(days)d days") % {"days": queue.CHART_DAYS},
    }
    no_number = _("Answered, with no number to chart")
    now = timezone.now()
    rows = []
    for entry in entries:
        name = {"name": entry.name}
        reasons = ((alert_url(a.pk), a.reason) for a in entry.alerts)
        mine = entry.practitioner_id == me.pk
        rows.append(
            {
                "reply_id": f"reply-{entry.client_id}",
                "name": entry.name,
                "urgent": entry.urgent,
                "url": client_url(entry.client_id),
                "acknowledge_url": acknowledge_url(entry.client_id),
                "reasons": format_html_join("", _REASON, reasons),
                "waiting": (
                    just_now
                    if now - entry.waiting_since < dt.timedelta(minutes=1)
                    else waiting % {"since": timesince(entry.waiting_since, now)}
                ),
                "whose": "" if mine else whose % {"name": entry.practitioner_name},
                "chart": entry.chart,
                "no_chart": (no_number if entry.answers else no_answers[entry.chart_from_session]),
                "acknowledge": acknowledge % name,
                "reply_label": reply_label % name,
            }
        )
    return rows


@require_POST
@login_required
def acknowledge(request: PractitionerRequest, client_id: int) -> HttpResponse:
    """One click: everything open for this client that this person can see is in hand."""
    client = tenancy.get_or_404(request, Client, pk=client_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reply is too long; nothing was changed."))
        return redirect("home")
    everyone = request.user.role == Practitioner.Role.ADMIN
    alerts = (
        queue.visible(request.user, everyone=everyone)
        .filter(client=client)
        .select_related("checkin")
    )
    replied = bool(form.cleaned_data["reply"].strip())
    done = services.acknowledge(alerts, request.user, form.cleaned_data["reply"], client=client)
    if not done and replied:
        messages.info(
            request,
            _("Someone had already acknowledged this. Your reply is on its way to %(name)s.")
            % {"name": client.name},
        )
    elif not done:
        messages.info(request, _("Someone has already acknowledged this. Nothing else to do."))
    elif replied:
        messages.success(
            request,
            _("Acknowledged, and your reply is on its way to %(name)s.") % {"name": client.name},
        )
    else:
        messages.success(
            request,
            _("Acknowledged. %(name)s will see that you've seen it.") % {"name": client.name},
        )
    if request.POST.get("next") == "client":
        return redirect("clients:detail", client.pk)
    return redirect("home")


@login_required
def alert_detail(request: PractitionerRequest, alert_id: int) -> HttpResponse:
    return _alert_page(request, alert_id)


def _alert_page(
    request: PractitionerRequest, alert_id: int, reply_form: ReplyForm | None = None
) -> HttpResponse:
    status = 200 if reply_form is None else 400
    alert = tenancy.get_or_404(
        request,
        Alert.objects.select_related(
            "client", "checkin", "responsible", "acknowledged_by", "resolved_by"
        ),
        pk=alert_id,
    )
    events = alert.events.select_related("practitioner")
    ctx = {
        "alert": alert,
        "reason": reasons.reason(alert),
        "words": words.client_words(alert),
        "replies": selectors.recent_replies(alert.client, limit=5),
        "events": events,
        "ack_form": AcknowledgeForm(),
        "resolve_form": ResolveForm(),
        "reply_form": reply_form or ReplyForm(),
    }
    return render(request, "alerts/detail.html", ctx, status=status)


@require_POST
@login_required
def reply_about_alert(request: PractitionerRequest, alert_id: int) -> HttpResponse:
    """Words to the client about any alert, whatever its kind, with or without a check-in."""
    alert = tenancy.get_or_404(
        request, Alert.objects.select_related("client", "checkin"), pk=alert_id
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _alert_page(request, alert.pk, reply_form=form)
    services.reply(
        alert.client,
        request.user,
        form.cleaned_data["reply"],
        checkin=alert.checkin,
        alerts=[alert],
    )
    trail.record(request, alert.client, Action.REPLIED, alert)
    messages.success(
        request,
        _("Sent. %(name)s will find it in Tend and by email.") % {"name": alert.client.name},
    )
    return redirect("alerts:detail", alert.pk)


@require_POST
@login_required
def resolve(request: PractitionerRequest, alert_id: int) -> HttpResponse:
    alert = tenancy.get_or_404(request, Alert, pk=alert_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long; nothing was changed."))
    elif alert.state == AlertState.OPEN:
        messages.error(request, _("Acknowledge it first; then it can be resolved."))
    elif services.resolve(alert, request.user, form.cleaned_data["note"]):
        messages.success(request, _("Resolved. Thank you for looking after this."))
    else:
        messages.info(request, _("This was already resolved."))
    return redirect("alerts:detail", alert.pk)


@require_POST
@login_required
def reply(request: PractitionerRequest, checkin_id: int) -> HttpResponse:
    checkin = tenancy.get_or_404(
        request, CheckIn.objects.select_related("client"), pk=checkin_id, state=State.ANSWERED
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        ctx = {
            "checkin": checkin,
            "reply_form": form,
            "replies": checkin.replies.all(),
            "words": checkin.client_words(),
            "urgent_reasons": words.urgent_reasons(checkin),
        }
        return render(request, "alerts/checkin.html", ctx, status=400)
    services.reply(checkin.client, request.user, form.cleaned_data["reply"], checkin=checkin)
    trail.record(request, checkin.client, Action.REPLIED, checkin)
    messages.success(
        request,
        _("Sent. %(name)s will find it in Tend and by email.") % {"name": checkin.client.name},
    )
    return redirect("checkins:detail", checkin.pk)


# The client page's history: the most recent entries at first (two years of fortnightly
# sessions and their check-ins would be a 100 KB page), the rest a link away.
TIMELINE_RECENT = 40
TIMELINE_WHOLE = 200


@login_required
def client_detail(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(
        request, Client.objects.select_related("practitioner", "practice"), pk=client_id
    )
    whole = request.GET.get("history") == "all"
    timeline = selectors.timeline(client, TIMELINE_WHOLE if whole else TIMELINE_RECENT + 1)
    alerts = [
        (alert, reasons.reason(alert))
        for alert in client.alerts.exclude(state=AlertState.RESOLVED).select_related(
            "acknowledged_by"
        )
    ]
    ctx = {
        "client": client,
        "timeline": timeline[:TIMELINE_WHOLE] if whole else timeline[:TIMELINE_RECENT],
        "timeline_earlier": not whole and len(timeline) > TIMELINE_RECENT,
        "alerts": alerts,
        "has_open_alerts": any(a.state == AlertState.OPEN for a, _reason in alerts),
        "replies": selectors.recent_replies(client),
        "shared": _shared_entries(client),
        "questionnaires": results.for_client(client, request.LANGUAGE_CODE),
        "trends": brief.trends(client, request.LANGUAGE_CODE),
        "assign_form": AssignForm(
            choices=services_questionnaires.offered_choices(
                client.practice_id, request.LANGUAGE_CODE
            )
        ),
        "assignments": results.active_assignments(client, request.LANGUAGE_CODE),
        "moves": Move.objects.filter(
            practice_id=client.practice_id, what=Move.What.CLIENT, record_id=client.pk
        )
        .select_related("by", "from_practitioner", "to_practitioner")
        .order_by("-at", "-pk"),
        "is_admin": request.user.role == Practitioner.Role.ADMIN,
        "overview": overview.since_last_session(
            client, request.LANGUAGE_CODE, client.practice.activation_threshold
        ),
    }
    trail.record(request, client, Action.VIEWED_CLIENT)
    return render(request, "alerts/client.html", ctx)


def _shared_entries(client: Client) -> list[Entry]:
    """What the client chose to share from their journal: never a private entry."""
    return list(
        Entry.objects.shared()
        .filter(client=client)
        .select_related("seen_by")
        .prefetch_related("replies__practitioner")
        .order_by("-shared_at")[:50]
    )


def _shared_entry(request: PractitionerRequest, entry_id: int) -> Entry:
    return tenancy.get_or_404(request, Entry.objects.shared().select_related("client"), pk=entry_id)


@require_POST
@login_required
def entry_seen(request: PractitionerRequest, entry_id: int) -> HttpResponse:
    entry = _shared_entry(request, entry_id)
    journal.mark_seen(entry, request.user)
    return redirect(reverse("clients:detail", args=[entry.client_id]) + f"#entry-{entry.pk}")


@require_POST
@login_required
def entry_reply(request: PractitionerRequest, entry_id: int) -> HttpResponse:
    entry = _shared_entry(request, entry_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a few words to send."))
    else:
        services.reply(entry.client, request.user, form.cleaned_data["reply"], entry=entry)
        trail.record(request, entry.client, Action.REPLIED, entry)
        messages.success(
            request,
            _("Sent. %(name)s will find it in Tend and by email.") % {"name": entry.client.name},
        )
    return redirect(reverse("clients:detail", args=[entry.client_id]) + f"#entry-{entry.pk}")


@login_required
def client_brief(request: PractitionerRequest, client_id: int) -> HttpResponse:
    """One page to read (or print) before a session with the client."""
    client = tenancy.get_or_404(
        request, Client.objects.select_related("practitioner", "practice"), pk=client_id
    )
    ctx = {"brief": brief.for_client(client, request.LANGUAGE_CODE), "client": client}
    trail.record(request, client, Action.VIEWED_BRIEF)
    return render(request, "alerts/brief.html", ctx)


@login_required
def checkin_detail(request: PractitionerRequest, checkin_id: int) -> HttpResponse:
    checkin = tenancy.get_or_404(
        request, CheckIn.objects.select_related("client", "session", "seen_by"), pk=checkin_id
    )
    ctx = {
        "checkin": checkin,
        "words": checkin.client_words(),
        "urgent_reasons": words.urgent_reasons(checkin),
        "replies": checkin.replies.select_related("practitioner").prefetch_related("answers"),
        "reply_form": ReplyForm(),
    }
    trail.record(request, checkin.client, Action.VIEWED_CHECKIN, checkin)
    return render(request, "alerts/checkin.html", ctx)


@require_POST
@login_required
def checkin_seen(request: PractitionerRequest, checkin_id: int) -> HttpResponse:
    """The practitioner has read the check-in: the client will see by whom and when. A POST
    (opening a page changes nothing): the page sends it once it is shown, or its button does."""
    checkin = tenancy.get_or_404(request, CheckIn.objects.all(), pk=checkin_id)
    services.mark_seen(checkin, request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("checkins:detail", checkin.pk)


@require_POST
@client_required
def answer_reply(request: HttpRequest, reply_id: int) -> HttpResponse:
    """The client writes back to a practitioner's reply, from their space."""
    reply = tenancy.get_or_404(request, Reply.objects.select_related("client"), pk=reply_id)
    form = ClientReplyForm(request.POST)
    if not form.is_valid():
        return home_page(
            request, checkin_form(request), status=400, answer_form=form, answer_to=reply.pk
        )
    answer = services.client_wrote_back(reply, form.cleaned_data["body"])
    return redirect("checkins:wrote_back", answer.pk)
