"""The practice's library of practices: everyone reads it; admins write their own, change
them and take them out. Tend's own are read-only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tend.integration import library
from tend.integration.forms import ExerciseForm
from tend.integration.models import Exercise, Kind
from tend.lib.session_kinds import Intensity
from tend.practices import tenancy
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required


@login_required
def catalogue(request: PractitionerRequest) -> HttpResponse:
    language = request.LANGUAGE_CODE
    every = list(library.visible(request.user.practice_id))
    kinds = [
        {
            "kind": kind,
            "items": [
                (e, e.words(language), [Intensity(i).label for i in e.intensities])
                for e in every
                if e.kind == kind
            ],
        }
        for kind in Kind
    ]
    ctx = {"kinds": kinds, "can_edit": request.user.role == "admin"}
    return render(request, "integration/catalogue.html", ctx)


@admin_required
def add(request: PractitionerRequest) -> HttpResponse:
    return _edit(request, None)


@admin_required
def edit(request: PractitionerRequest, exercise_id: int) -> HttpResponse:
    return _edit(request, _own(request, exercise_id))


def _own(request: PractitionerRequest, exercise_id: int) -> Exercise:
    """One of the practice's own (Tend's are not theirs to change)."""
    return tenancy.get_or_404(request, Exercise.objects.filter(retired=False), pk=exercise_id)


def _edit(request: PractitionerRequest, exercise: Exercise | None) -> HttpResponse:
    form = ExerciseForm(
        request.POST or None, practice_id=request.user.practice_id, instance=exercise
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Practice saved. Your clients can find it now."))
        return redirect("library:catalogue")
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "exercise": exercise}
    return render(request, "integration/exercise_form.html", ctx, status=status)


@admin_required
def remove(request: PractitionerRequest, exercise_id: int) -> HttpResponse:
    exercise = _own(request, exercise_id)
    if request.method == "POST":
        # Kept, not deleted: what a client did and wrote still names it.
        Exercise.objects.filter(pk=exercise.pk).update(retired=True)
        messages.success(request, _("Practice taken out of the library."))
        return redirect("library:catalogue")
    title = exercise.title(request.LANGUAGE_CODE)
    return render(
        request, "integration/exercise_remove.html", {"exercise": exercise, "title": title}
    )
