"""Answering a questionnaire (from an email's link, or signed in), the ladder quiz a client
can take at any time, and a practitioner sending one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tend.assessments import catalogue, links, schedule, services
from tend.assessments.forms import EXAMPLE, AnswersForm, AssignForm, QuestionnaireForm
from tend.assessments.models import Administration, Assignment, Questionnaire
from tend.clients.client_views import client_required
from tend.clients.models import Client
from tend.lib.languages import pick
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required


def _answer(request: HttpRequest, administration: Administration) -> HttpResponse:
    """The questionnaire, or, once answered, what it means: shared by every way in."""
    client = administration.client
    language = client.language
    definition = services.definition(administration.practice_id, administration.slug)
    if administration.is_answered:  # a second send changes nothing, and says so
        return _result(request, administration, again=request.method == "POST")
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        definition=definition,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        services.answer(administration, form.answers())
        # The answers are kept: the page after is the result, safe to reload.
        if request.path == reverse("assessments:ladder"):
            return redirect("assessments:mine", administration.pk)
        return redirect(request.path)
    ctx = {
        "form": form,
        "title": pick(definition.title, language),
        "instructions": pick(definition.instructions, language),
        "attribution": pick(definition.attribution or {}, language),
        "practitioner": client.practitioner.name,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/answer.html", ctx, status=status)


def _result(
    request: HttpRequest, administration: Administration, again: bool = False
) -> HttpResponse:
    definition = services.definition(administration.practice_id, administration.slug)
    language = administration.client.language
    rung = next((b for b in definition.bands if b.key == administration.band), None)
    ctx = {
        "administration": administration,
        "client": administration.client,
        "title": pick(definition.title, language),
        # A ladder (Tend's, or one a practice wrote) says what its rung means.
        "is_ladder": bool(rung and rung.about),
        "rung": pick(rung.text, language) if rung else "",
        "about": pick(rung.about or {}, language) if rung else "",
        "again": again,
    }
    return render(request, "assessments/result.html", ctx)


def by_link(request: HttpRequest, token: str) -> HttpResponse:
    found = links.read(token)
    administration = (
        Administration.objects.select_related("client__practitioner").filter(pk=found).first()
        if found is not None
        else None
    )
    if administration is None:
        return render(request, "assessments/link_problem.html", status=404)
    with translation.override(administration.client.language):
        response = _answer(request, administration)
        response["Content-Language"] = administration.client.language
        return response


@client_required
def mine(request: HttpRequest, administration_id: int) -> HttpResponse:
    administration = tenancy.get_or_404(
        request, Administration.objects.select_related("client__practitioner"), pk=administration_id
    )
    return _answer(request, administration)


@client_required
def ladder(request: HttpRequest) -> HttpResponse:
    client: Client = request.client  # type: ignore[attr-defined]
    return _answer(request, services.begin(client))


@require_POST
@login_required
def send(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(request, Client, pk=client_id)
    choices = services.offered_choices(client.practice_id, request.LANGUAGE_CODE)
    form = AssignForm(request.POST, choices=choices)
    if not form.is_valid():
        for problem in [*form.non_field_errors(), *(e for f in form.errors.values() for e in f)]:
            messages.error(request, problem)
        return redirect("clients:detail", client.pk)
    data = form.cleaned_data
    title = dict(choices)[data["slug"]]
    rhythm = getattr(form, "rhythm", None)
    schedule.assign(client, data["slug"], request.user, data["when"], rhythm)
    said = {
        Assignment.When.ONCE: _("“%(title)s” is on its way to %(name)s by email."),
        Assignment.When.AFTER_SESSION: _(
            "%(name)s will be asked “%(title)s” the day after each session."
        ),
        Assignment.When.RHYTHM: _("%(name)s will be asked “%(title)s” on the rhythm you chose."),
    }[data["when"]]
    messages.success(request, said % {"title": title, "name": client.name})
    return redirect("clients:detail", client.pk)


@require_POST
@login_required
def stop(request: PractitionerRequest, assignment_id: int) -> HttpResponse:
    assignment = tenancy.get_or_404(request, Assignment, pk=assignment_id)
    schedule.stop(assignment)
    messages.success(request, _("Stopped. Nothing more will be sent for it."))
    return redirect("clients:detail", assignment.client_id)


@login_required
def questionnaires(request: PractitionerRequest) -> HttpResponse:
    """Every questionnaire the practice can send; admins write their own."""
    language = request.LANGUAGE_CODE
    own = {q.slug: q for q in tenancy.scoped(request, Questionnaire)}
    rows = [
        {
            "definition": d,
            "title": pick(d.title, language),
            "items": len(d.items),
            "own": own.get(d.slug),
        }
        for d in catalogue.offered(request.user.practice_id)
    ]
    ctx = {"rows": rows, "can_edit": request.user.role == "admin"}
    return render(request, "assessments/questionnaires.html", ctx)


@admin_required
def questionnaire_add(request: PractitionerRequest) -> HttpResponse:
    return _edit(request, None)


@admin_required
def questionnaire_edit(request: PractitionerRequest, questionnaire_id: int) -> HttpResponse:
    return _edit(request, tenancy.get_or_404(request, Questionnaire, pk=questionnaire_id))


def _edit(request: PractitionerRequest, row: Questionnaire | None) -> HttpResponse:
    initial = {"text": row.text if row else EXAMPLE}
    form = QuestionnaireForm(
        request.POST or None,
        initial=initial,
        practice_id=request.user.practice_id,
        editing=row.pk if row else None,
    )
    if request.method == "POST" and form.is_valid():
        row = row or Questionnaire(practice_id=request.user.practice_id, created_by=request.user)
        row.slug = form.definition.slug
        row.text = form.cleaned_data["text"]
        row.updated_at = timezone.now()
        row.save()
        messages.success(request, _("Questionnaire saved. You can send it from a client's page."))
        return redirect("assessments:questionnaires")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessments/questionnaire_form.html", {"form": form, "row": row}, status=status
    )
