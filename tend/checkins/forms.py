from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tend.checkins.models import Basic, Emotion, Sensation

YES_NO = (("yes", _("Yes, please")), ("no", _("Not now")))


class CheckInForm(forms.Form):
    activation = forms.TypedChoiceField(
        label=_("How activated do you feel right now?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a number from 0 to 10, whatever fits.")},
    )
    sensations = forms.MultipleChoiceField(
        label=_("What do you notice in your body?"),
        choices=Sensation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    emotions = forms.MultipleChoiceField(
        label=_("What feelings are here?"),
        choices=Emotion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    slept = forms.ChoiceField(label=_("Slept"), choices=Basic.choices, required=False)
    ate = forms.ChoiceField(label=_("Eaten"), choices=Basic.choices, required=False)
    drank = forms.ChoiceField(label=_("Drunk water"), choices=Basic.choices, required=False)
    moved = forms.ChoiceField(label=_("Moved gently"), choices=Basic.choices, required=False)
    need = forms.CharField(
        label=_("What do I need right now?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wants_contact = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, required=False)
    note = forms.CharField(
        label=_("Anything else you'd like to say?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    BASICS = ("slept", "ate", "drank", "moved")

    def __init__(self, *args: Any, practitioner_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wants_contact"].label = _("Would you like %(name)s to reach out?") % {
            "name": practitioner_name
        }
        for name in self.BASICS:
            self.fields[name].widget = forms.RadioSelect(choices=Basic.choices)
            self.fields[name].initial = ""

    def basics_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BASICS]


class ClientReplyForm(forms.Form):
    """The client's words back to a practitioner's reply."""

    body = forms.CharField(
        label=_("Write back"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a few words to send."),
            "max_length": _(
                "That's a little long to send here: please keep it under 4,000 characters."
            ),
        },
    )

    def clean_body(self) -> str:
        text = str(self.cleaned_data["body"]).strip()
        if not text:
            raise forms.ValidationError(_("Write a few words to send."))
        return text
