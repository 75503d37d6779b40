"""The practice's alert settings and coverage (admins), and time away (everyone)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tend.alerts import coverage, escalation
from tend.alerts.settings_forms import (
    AttentionForm,
    AwayForm,
    CoverForm,
    PassingOnForm,
    SigningOutForm,
)
from tend.practices import two_factor
from tend.practices.models import Practice, Practitioner
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required


@require_http_methods(["GET", "POST"])
@admin_required
def practice_settings(request: PractitionerRequest) -> HttpResponse:
    practice = Practice.objects.get(pk=request.user.practice_id)
    data = request.POST if request.method == "POST" else None
    attention = AttentionForm(data, instance=practice)
    passing_on = PassingOnForm(data, instance=practice)
    covers = CoverForm(data, practice_id=practice.pk, now=timezone.now())
    signing_out = SigningOutForm(data, instance=practice)
    if data is not None:
        parts = [attention, passing_on, covers, signing_out]
        if all([part.is_valid() for part in parts]):  # noqa: C419 - every form, for its notes
            fields = [
                *AttentionForm.Meta.fields,
                *PassingOnForm.Meta.fields,
                *SigningOutForm.Meta.fields,
            ]
            with transaction.atomic():
                attention.save(commit=False)
                passing_on.save(commit=False)
                signing_out.save(commit=False)
                practice.save(update_fields=fields)
                covers.save()
            messages.success(request, _("Saved. Alerts follow these settings from now on."))
            if practice.require_two_factor and not two_factor.has_app(request.user):
                # Asked of everyone, so of this admin too, at once.
                request.session[two_factor.STEP] = two_factor.SETUP
            return redirect("practice:settings")
        messages.error(request, _("Nothing has been saved yet. Please look at the notes below."))
    ctx = {
        "attention": attention,
        "passing_on": passing_on,
        "covers": covers,
        "signing_out": signing_out,
    }
    return render(request, "alerts/practice_settings.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def away(request: PractitionerRequest) -> HttpResponse:
    me = request.user
    now = timezone.now()
    if request.method == "POST" and "back" in request.POST:
        Practitioner.objects.filter(pk=me.pk).update(away_until=None, away_cover=None)
        messages.success(request, _("Welcome back. Your clients' alerts come to you again."))
        return redirect("practice:away")
    form = AwayForm(request.POST if request.method == "POST" else None, practitioner=me, now=now)
    if request.method == "POST":
        if form.is_valid():
            me.away_until = form.cleaned_data["until"]
            me.away_cover = form.cleaned_data["cover"]
            me.save(update_fields=["away_until", "away_cover"])
            messages.success(request, _("Saved. Take good care while you're away."))
            handed = escalation.hand_over(me, now)
            if handed:
                text = ngettext(
                    "The open alert you were holding goes to your cover now.",
                    "The %(n)d open alerts you were holding go to your cover now.",
                    handed,
                )
                messages.info(request, text % {"n": handed})
            return redirect("practice:away")
        messages.error(request, _("Nothing has been changed. Please look at the notes below."))
    is_away = coverage.is_away(me, now)
    ctx = {
        "form": form,
        "is_away": is_away,
        "cover": coverage.covering(me, now) if is_away else None,
    }
    return render(request, "alerts/away.html", ctx)
