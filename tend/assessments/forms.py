"""A questionnaire as a form: one question per item, its options as big radio buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tend.assessments.catalogue import read
from tend.assessments.models import Assignment, Questionnaire
from tend.assessments.rhythm import MAX_EVERY, Rhythm
from tend.assessments.scoring import BadDefinition, Definition, builtins
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


WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


class AssignForm(forms.Form):
    """Which questionnaire, and when: once now, after every session, or on a rhythm."""

    slug = forms.ChoiceField(
        label=_("Questionnaire"),
        error_messages={
            "required": _("Choose a questionnaire to send."),
            "invalid_choice": _("Choose a questionnaire to send."),
        },
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=Assignment.When.choices,
        initial=Assignment.When.ONCE,
        widget=forms.RadioSelect,
        required=False,
    )
    every = forms.IntegerField(
        label=_("Every"), min_value=1, max_value=MAX_EVERY, initial=2, required=False
    )
    unit = forms.ChoiceField(
        label=_("Days or weeks"),
        choices=(("weeks", _("weeks")), ("days", _("days"))),
        required=False,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days (weeks only; none: the first day's)"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    at = forms.TimeField(label=_("At, on the client's clock"), initial="10:00", required=False)
    first = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("Until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is None or self.errors:
            return data
        data["when"] = data.get("when") or Assignment.When.ONCE
        if data["when"] != Assignment.When.RHYTHM:
            return data
        if not data.get("every") or not data.get("unit"):
            raise forms.ValidationError(_("Say how often: every how many days or weeks."))
        if data.get("weekdays") and data["unit"] != "weeks":
            raise forms.ValidationError(_("Days of the week go with a rhythm in weeks."))
        first = data.get("first") or timezone.localdate()
        if data.get("last") and data["last"] < first:
            raise forms.ValidationError(_("The last day is before the first."))
        self.rhythm = Rhythm(
            every=data["every"],
            unit=data["unit"],
            at=data.get("at") or dt.time(10, 0),
            first=first,
            last=data.get("last"),
            weekdays=tuple(data.get("weekdays") or ()),
        )
        return data


EXAMPLE = """slug = "sleep3"
version = 1
scoring = "sum"

[en]
title = "Three questions about sleep"
instructions = "Thinking of the last week:"

[[options]]
value = 0
en = "Not at all"

[[options]]
value = 1
en = "Some nights"

[[options]]
value = 2
en = "Most nights"

[[items]]
key = "1"
en = "I found it hard to fall asleep"

[[items]]
key = "2"
en = "I woke up and couldn't get back to sleep"

[[items]]
key = "3"
en = "I woke up rested"
reverse = true

[[bands]]
key = "settled"
min = 0
max = 2
en = "Settled"

[[bands]]
key = "unsettled"
min = 3
max = 6
en = "Unsettled"
"""


class QuestionnaireForm(forms.Form):
    """A practice's own questionnaire, written as TOML in the form of Tend's own."""

    text = forms.CharField(
        label=_("The questionnaire, as TOML"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        max_length=60_000,
        help_text=_(
            "Items, answer options with values, reverse-scored and critical items, scoring "
            "(sum or scaled), bands with labels, and the words in each language you work in. "
            "The example shows the form; Tend's own are in tend/assessments/data/measures/."
        ),
        error_messages={"required": _("Write the questionnaire, or start from the example.")},
    )

    def __init__(
        self, *args: Any, practice_id: int, editing: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.practice_id, self.editing = practice_id, editing

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        try:
            definition = read(text, "questionnaire")
        except BadDefinition as problem:
            raise forms.ValidationError(str(problem).removeprefix("questionnaire: ")) from None
        if definition.slug in builtins():
            raise forms.ValidationError(
                _("“%(slug)s” is one of Tend's own; give yours another slug.")
                % {"slug": definition.slug}
            )
        taken = Questionnaire.objects.filter(practice_id=self.practice_id, slug=definition.slug)
        if taken.exclude(pk=self.editing or 0).exists():
            raise forms.ValidationError(
                _("Your practice already has a questionnaire called “%(slug)s”.")
                % {"slug": definition.slug}
            )
        self.definition = definition
        return text
