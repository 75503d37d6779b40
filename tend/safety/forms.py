from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tend.lib import countries
from tend.practices import tenancy
from tend.safety import resources
from tend.safety.models import CrisisLine

MAX_LINES_PER_PRACTICE = 100


class CrisisLineForm(forms.ModelForm[CrisisLine]):
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_(
            "Clients in this country see it. Choose “Every country” for a line anyone can use."
        ),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Optional. For example https://example.org"),
    )

    class Meta:
        model = CrisisLine
        fields = ("name", "country", "phone", "text", "text_body", "website", "hours", "notes")
        labels = {
            "name": _("Name"),
            "phone": _("Phone number"),
            "text": _("Text message number"),
            "text_body": _("Message to send"),
            "hours": _("When it's open"),
            "notes": _("A few words for clients"),
        }
        help_texts = {
            "name": _("As clients will know it, e.g. “Our after-hours line”."),
            "phone": _(
                "Digits, with spaces or hyphens if you like, e.g. 116 123 or +44 20 7946 0000."
            ),
            "text": _("Optional. A number that takes text messages (SMS)."),
            "text_body": _("Optional. A word clients should send, e.g. HOME."),
            "hours": _("Optional, e.g. “Weekdays 9:00 to 17:00”. Leave empty if always open."),
            "notes": _("Optional. Who it's for, what to expect."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        self.fields["country"].choices = countries.choices(_("Every country"))  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["text"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and resources.tel_uri(phone) is None:
            raise forms.ValidationError(
                _(
                    "Please write a number a phone can call: digits (at least three), with "
                    "spaces, hyphens or brackets if you like, and + only at the start."
                )
            )
        return phone

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "").strip()
        if text and resources.sms_uri(text) is None:
            raise forms.ValidationError(
                _(
                    "Please write a number that takes text messages: "
                    "digits, with + only at the start."
                )
            )
        return text

    def clean_text_body(self) -> str:
        return str(self.cleaned_data.get("text_body") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(f) for f in ("phone", "text", "website")):
            raise forms.ValidationError(
                _("Add a phone number, a text number or a website, so clients can reach it.")
            )
        if data.get("text_body") and not data.get("text"):
            self.add_error("text_body", _("Add the number this message goes to."))
        count = tenancy.for_practice(CrisisLine, self.practice_id).count()
        if not self.instance.pk and count >= MAX_LINES_PER_PRACTICE:
            raise forms.ValidationError(
                _("Your practice has %(count)d lines already. Please remove one first.")
                % {"count": count}
            )
        return data


class RemoveLineForm(forms.Form):
    line = forms.IntegerField(min_value=1, max_value=2**63 - 1)
