"""A practice writing its own practice: the same fields as Tend's own data files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tend.integration import library
from tend.integration.models import Exercise, Kind
from tend.lib.session_kinds import Intensity, Modality


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ExerciseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    minutes = forms.IntegerField(label=_("About how many minutes"), min_value=1, max_value=60)
    intensities = forms.MultipleChoiceField(
        label=_("Suits sessions that were"),
        choices=Intensity.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one intensity it suits.")},
    )
    modalities = forms.MultipleChoiceField(
        label=_("Only for these modalities"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked if it suits every modality."),
    )

    def __init__(
        self, *args: Any, practice_id: int, instance: Exercise | None = None, **kwargs: Any
    ) -> None:
        self.practice_id, self.instance = practice_id, instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(instance)
        super().__init__(*args, **kwargs)
        # The words, in every language Tend speaks: a new language is new boxes, nothing else.
        for code, name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=library.TITLE_MAX,
                required=False,
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("One sentence on what it offers, in %(language)s") % {"language": name},
                max_length=library.SUMMARY_MAX,
                required=False,
            )
            self.fields[f"steps_{code}"] = forms.CharField(
                label=_("Steps in %(language)s, one per line") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                max_length=4000,
            )
            self.fields[f"prompts_{code}"] = forms.CharField(
                label=_("Journal prompts in %(language)s, one per line (optional)")
                % {"language": name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=2000,
            )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.errors or data is None:
            return data
        definition: dict[str, Any] = {
            "kind": data["kind"],
            "minutes": data["minutes"],
            "intensities": data["intensities"],
            "modalities": data["modalities"],
        }
        for code, name in settings.LANGUAGES:
            words = {
                "title": data.get(f"title_{code}", ""),
                "summary": data.get(f"summary_{code}", ""),
                "steps": _lines(data.get(f"steps_{code}", "")),
                "prompts": _lines(data.get(f"prompts_{code}", "")),
            }
            if not any(words.values()):
                continue  # not written in this language
            if not (words["title"] and words["summary"] and words["steps"]):
                raise forms.ValidationError(
                    _(
                        "In %(language)s, a practice needs a title, a sentence and at least "
                        "one step."
                    )
                    % {"language": name}
                )
            if len(words["steps"]) > library.STEPS_MAX:
                raise forms.ValidationError(
                    _("In %(language)s there are more than %(n)s steps: keep it short.")
                    % {"language": name, "n": library.STEPS_MAX}
                )
            definition[code] = words
        if not any(code in definition for code, _name in settings.LANGUAGES):
            raise forms.ValidationError(_("Write the practice in at least one language."))
        try:
            self.checked = library.check(definition, "form", every_language=False)
        except library.BadPractice as problem:  # what the fields above can't catch
            raise forms.ValidationError(str(problem).removeprefix("form: ")) from None
        return data

    def save(self) -> Exercise:
        exercise = self.instance or Exercise(practice_id=self.practice_id)
        for field, value in self.checked.items():
            setattr(exercise, field, value)
        if not exercise.key:
            exercise.key = _free_key(
                self.practice_id, next(iter(self.checked["text"].values()))["title"]
            )
        exercise.save()
        return exercise


def _initial(exercise: Exercise) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "kind": exercise.kind,
        "minutes": exercise.minutes,
        "intensities": exercise.intensities,
        "modalities": exercise.modalities,
    }
    for code, words in exercise.text.items():
        initial[f"title_{code}"] = words.get("title", "")
        initial[f"summary_{code}"] = words.get("summary", "")
        initial[f"steps_{code}"] = "\n".join(words.get("steps", []))
        initial[f"prompts_{code}"] = "\n".join(words.get("prompts", []))
    return initial


def _free_key(practice_id: int, title: str) -> str:
    base = slugify(title)[:60] or "practice"
    taken = set(Exercise.objects.filter(practice_id=practice_id).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
