from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tend.care import plans
from tend.care.models import AftercarePlan, Session
from tend.integration import library
from tend.integration.models import Exercise
from tend.lib import when

# Years outside this range overflow in some time zones; nobody means them.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


NOTE_MAX = 10_000  # characters in a session's note, guidance or private note


class SessionForm(forms.ModelForm[Session]):
    starts_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your own time zone. A time in the future logs a planned session."),
    )
    plan = forms.CharField(
        label=_("Check-ins after the session"),
        required=False,
        max_length=200,
        help_text=_(
            "Leave empty for your practice's plan for this intensity, or write your own "
            "times after the session, like 3h, 1d, 2d, 7d."
        ),
    )

    field_order = (
        "starts_at",
        "modality",
        "intensity",
        "plan",
        "client_note",
        "guidance",
        "private_note",
    )

    class Meta:
        model = Session
        fields = ("starts_at", "modality", "intensity", "client_note", "guidance", "private_note")
        widgets = {
            "intensity": forms.RadioSelect,
            "client_note": forms.Textarea(attrs={"rows": 5}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
            "private_note": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "client_note": _("Note for the client"),
            "guidance": _("Guidance for the days after"),
            "private_note": _("Private note"),
        }
        help_texts = {
            "client_note": _(
                "What we did, and what may come up in the next days. The client sees this."
            ),
            "guidance": _(
                "Leave empty for your practice's words for this intensity, in the client's "
                "language."
            ),
            "private_note": _("Only people in your practice can read this."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("client_note", "guidance", "private_note"):
            field = self.fields[name]
            field.validators.append(
                MaxLengthValidator(
                    NOTE_MAX,
                    _(
                        "That's longer than a note here can hold (%(limit_value)d characters, "
                        "this has %(show_value)d). Could you shorten it?"
                    ),
                )
            )
            field.widget.attrs["maxlength"] = str(NOTE_MAX)
        self.fields["starts_at"].help_text = _(
            "In your time zone (%(zone)s). A time in the future logs a planned session."
        ) % {"zone": when.zone_label(None)}
        self.fields["intensity"].choices = Session._meta.get_field("intensity").choices  # type: ignore[attr-defined]
        session = self.instance
        # Only a plan written for this session shows here. The usual plan stays out of the
        # field, so that changing the intensity brings that intensity's rhythm.
        if session.pk and session.plan_hours and not self.is_bound:
            usual = plans.usual_hours(session.practice_id, session.intensity, session.modality)
            if session.plan_hours != usual:
                self.initial["plan"] = plans.format_hours(session.plan_hours)

    def clean_starts_at(self) -> dt.datetime:
        starts_at: dt.datetime = self.cleaned_data["starts_at"]
        if not EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR:
            raise forms.ValidationError(self.fields["starts_at"].error_messages["invalid"])
        return starts_at

    def clean_plan(self) -> list[int] | None:
        text = self.cleaned_data.get("plan", "").strip()
        if not text:
            return None
        try:
            return plans.parse_hours(text)
        except plans.PlanError as exc:
            raise forms.ValidationError(str(exc)) from None


class ExerciseChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Practices to tick. A value that can't be an id is refused before the database sees it."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not str(pk).isdigit() or int(pk) > 2**63 - 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


def _exercise_label(exercise: Exercise) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"{exercise.title(language)} ({exercise.get_kind_display()}, {exercise.minutes} min)"


class AftercarePlanForm(forms.ModelForm[AftercarePlan]):
    hours_text = forms.CharField(
        label=_("Check-ins after the session"),
        max_length=200,
        help_text=_("Times after the session, like 3h, 1d, 2d, 4d, 7d."),
    )

    class Meta:
        model = AftercarePlan
        fields = ("intensity", "modality", "exercises")
        widgets = {"exercises": forms.CheckboxSelectMultiple}
        field_classes = {"exercises": ExerciseChoices}
        labels = {"exercises": _("Practices that go with it")}
        help_texts = {
            "modality": _("Leave as “any” unless this plan is only for one modality."),
            "exercises": _(
                "The client sees the first one or two after the session and in each "
                "check-in email. Choose none to offer the practices that suit this intensity."
            ),
        }

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        modalities = list(Session._meta.get_field("modality").choices or [])
        self.fields["modality"].choices = [("", _("any")), *modalities]  # type: ignore[attr-defined]
        exercises = self.fields["exercises"]
        exercises.queryset = library.visible(practice_id).order_by("kind", "key")  # type: ignore[attr-defined]
        exercises.label_from_instance = _exercise_label  # type: ignore[attr-defined]
        # The guidance, one box per language Tend speaks: a new language is a new box.
        for code, name in settings.LANGUAGES:
            self.fields[f"guidance_{code}"] = forms.CharField(
                label=_("Guidance in %(language)s") % {"language": name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=self.instance.guidance.get(code, ""),
                help_text=_("Leave empty to use Tend's words for this intensity."),
            )
        if self.instance.pk and not self.is_bound:
            self.initial["hours_text"] = plans.format_hours(self.instance.hours)

    def clean_hours_text(self) -> list[int]:
        try:
            return plans.parse_hours(self.cleaned_data["hours_text"])
        except plans.PlanError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        same = AftercarePlan.objects.filter(
            practice_id=self.practice_id,
            intensity=self.cleaned_data.get("intensity"),
            modality=self.cleaned_data.get("modality", ""),
        ).exclude(pk=self.instance.pk or 0)
        if same.exists():
            raise forms.ValidationError(
                _("Your practice already has a plan for this intensity and modality.")
            )
        if data is not None:
            self.instance.guidance = {
                code: text.strip()
                for code, _name in settings.LANGUAGES
                if (text := data.get(f"guidance_{code}") or "").strip()
            }
        return data
