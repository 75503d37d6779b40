"""The practice's aftercare plans: Tend's defaults until the practice writes its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tend.care import plans
from tend.care.forms import AftercarePlanForm
from tend.care.models import AftercarePlan, Intensity
from tend.integration import suggestions
from tend.integration.models import Kind
from tend.lib.languages import pick
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required


@login_required
def plan_list(request: PractitionerRequest) -> HttpResponse:
    practice_id = request.user.practice_id
    language = request.LANGUAGE_CODE
    own = list(tenancy.scoped(request, AftercarePlan).order_by("intensity", "modality"))
    for plan in own:
        plan.hours_text = plans.format_hours(plan.hours)  # type: ignore[attr-defined]
        offered = plans.exercises_for(practice_id, plan.intensity, plan.modality)
        plan.offered = [e.title(language) for e in offered]  # type: ignore[attr-defined]
    defaults = [
        {
            "intensity": intensity,
            "hours": plans.format_hours(plans.DEFAULT_HOURS[intensity]),
            "guidance": plans.DEFAULT_GUIDANCE[intensity],
            "offered": [
                e.title(language) for e in plans.exercises_for(practice_id, intensity, "other")
            ],
        }
        for intensity in Intensity
    ]
    rules = [
        {"kinds": [Kind(k).label for k in rule.kinds], "reason": pick(rule.reason, language)}
        for rule in suggestions.rules()
    ]
    ctx = {
        "own": own,
        "defaults": defaults,
        "rules": rules,
        "can_edit": request.user.role == "admin",
    }
    return render(request, "care/plans.html", ctx)


@admin_required
def plan_add(request: PractitionerRequest) -> HttpResponse:
    return _edit(request, AftercarePlan(practice_id=request.user.practice_id))


@admin_required
def plan_edit(request: PractitionerRequest, plan_id: int) -> HttpResponse:
    return _edit(request, tenancy.get_or_404(request, AftercarePlan, pk=plan_id))


def _edit(request: PractitionerRequest, plan: AftercarePlan) -> HttpResponse:
    form = AftercarePlanForm(
        request.POST or None, instance=plan, practice_id=request.user.practice_id
    )
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.hours = form.cleaned_data["hours_text"]
        plan.save()
        form.save_m2m()  # the practices chosen for it
        messages.success(request, _("Plan saved. New sessions will follow it."))
        return redirect("care:plans")
    return render(request, "care/plan_form.html", {"form": form, "plan": plan})


@admin_required
def plan_delete(request: PractitionerRequest, plan_id: int) -> HttpResponse:
    plan = tenancy.get_or_404(request, AftercarePlan, pk=plan_id)
    if request.method == "POST":
        plan.delete()
        messages.success(request, _("Plan removed. Tend's default is used again."))
        return redirect("care:plans")
    return render(request, "care/plan_delete.html", {"plan": plan})
