from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the client (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They'll see it in Tend and by email, with your name."),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("They'll see it in Tend and by email, with your name."),
        error_messages={"required": _("Write a few words to send.")},
    )

    def clean_reply(self) -> str:
        text = str(self.cleaned_data["reply"]).strip()
        if not text:
            raise forms.ValidationError(_("Write a few words to send."))
        return text


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('A line for the record, e.g. "Called her; she\'s with her sister tonight."'),
    )
