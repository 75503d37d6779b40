from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EraseForm(forms.Form):
    """Typing the client's name, as Tend has it, is the confirmation."""

    name = forms.CharField(label=gettext_lazy("Their name, to confirm"), max_length=200)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if name.casefold() != " ".join(self.expected.split()).casefold():
            raise forms.ValidationError(
                _("That isn't their name as Tend has it, so nothing was erased.")
            )
        return name
