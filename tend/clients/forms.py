from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tend.clients.models import Client
from tend.lib import countries, timezones, zones


class ClientForm(forms.ModelForm[Client]):
    timezone = forms.ChoiceField(label=_("Time zone"), initial="UTC")
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_(
            "For the crisis lines Tend shows them. Leave it empty to go by their time zone."
        ),
    )
    send_invitation = forms.BooleanField(
        label=_("Email them an invitation now"), required=False, initial=True
    )

    class Meta:
        model = Client
        fields = ("name", "email", "language", "timezone", "country", "quiet_start", "quiet_end")
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "language": _("Everything Tend sends this client will be in this language."),
            "quiet_start": _("Tend won't send anything between these times, in their time zone."),
        }

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        if self.instance.pk:
            del self.fields["send_invitation"]
        # First the zones of their country, then those the practice's clients live in.
        practice_zones = (
            Client.objects.filter(practice_id=practice_id)
            .values("timezone")
            .annotate(n=Count("pk"))
            .order_by("-n", "timezone")
            .values_list("timezone", flat=True)[: timezones.MOST_LIKELY]
        )
        country = self.instance.country
        self.fields["timezone"].choices = timezones.choices(  # type: ignore[attr-defined]
            timezones.likely(
                [self.instance.timezone] if self.instance.pk else [],
                zones.zones_in(country) if country else [],
                practice_zones,
            ),
            keep=self.instance.timezone,
        )
        self.fields["country"].choices = countries.choices(  # type: ignore[attr-defined]
            _("Go by their time zone"), keep=[self.instance.country]
        )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        others = Client.objects.filter(practice_id=self.practice_id, email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another client in your practice uses this email."))
        return email


class FreshLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ClientPreferencesForm(forms.ModelForm[Client]):
    timezone = forms.ChoiceField(label=_("Time zone"))
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_(
            "So Tend can show you crisis lines where you are. If you leave it empty, Tend goes by "
            "your time zone."
        ),
    )

    class Meta:
        model = Client
        fields = ("language", "timezone", "country", "quiet_start", "quiet_end")
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = self.instance
        country = client.country or zones.country_for_zone(client.timezone)
        self.fields["timezone"].choices = timezones.choices(  # type: ignore[attr-defined]
            timezones.likely(
                [client.timezone],
                zones.zones_in(country) if country else [],
                [client.practitioner.timezone] if client.practitioner_id else [],
            ),
            keep=client.timezone,
        )
        self.fields["country"].choices = countries.choices(  # type: ignore[attr-defined]
            _("Go by my time zone"), keep=[self.instance.country]
        )
