"""A questionnaire as a form: one question per item, its options as big radio buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tend.assessments.scoring import Definition
from tend.lib.languages import pick


class AnswersForm(forms.Form):
    def __init__(self, *args: Any, definition: Definition, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        choices = [(str(o.value), pick(o.text, language)) for o in definition.options]
        for number, item in enumerate(definition.items, 1):
            self.fields[f"item_{item.key}"] = forms.TypedChoiceField(
                label=f"{number}. {pick(item.text, language)}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("This one still needs an answer, whichever fits best."),
                    "invalid_choice": _("Please choose one of the answers shown."),
                },
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{item.key}"] for item in self.definition.items]
