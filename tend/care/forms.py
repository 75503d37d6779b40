from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tend.care.models import Session


class SessionForm(forms.ModelForm[Session]):
    starts_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your own time zone. A time in the future logs a planned session."),
    )

    class Meta:
        model = Session
        fields = ("starts_at", "modality", "intensity", "client_note", "private_note")
        widgets = {
            "intensity": forms.RadioSelect,
            "client_note": forms.Textarea(attrs={"rows": 5}),
            "private_note": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "client_note": _("Note for the client"),
            "private_note": _("Private note"),
        }
        help_texts = {
            "client_note": _(
                "What we did, and what may come up in the next days. The client sees this."
            ),
            "private_note": _("Only people in your practice can read this."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intensity"].choices = Session._meta.get_field("intensity").choices  # type: ignore[attr-defined]

    def clean_starts_at(self) -> dt.datetime:
        """Refuse years nobody means (and that overflow when converted to UTC)."""
        starts_at: dt.datetime = self.cleaned_data["starts_at"]
        if not 1900 <= starts_at.year <= 2199:
            raise forms.ValidationError(self.fields["starts_at"].error_messages["invalid"])
        return starts_at
