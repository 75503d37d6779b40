from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tend.journal.services import MAX_CHARS


class EntryForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like to write?"),
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("There's nothing here yet. Write a word or two, or come back later."),
            "max_length": _(
                "That's longer than one entry can hold (%(limit_value)d characters). "
                "You could split it into two."
            ),
        },
    )
    exercise = forms.IntegerField(required=False, widget=forms.HiddenInput)
    prompt = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    share = forms.BooleanField(required=False)

    def __init__(self, *args: object, practitioner_name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["share"].label = _("Share this entry with %(name)s") % {
            "name": practitioner_name
        }

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text


class RippleForm(EntryForm):
    text = forms.CharField(
        label=_("Today I noticed…"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("There's nothing here yet. Even a few words are enough."),
            "max_length": _(
                "A ripple is a few words (up to %(limit_value)d characters). "
                "For more, write a whole entry."
            ),
        },
    )
