"""The team's forms. A colleague is chosen from a fixed list of the practice's active
people, so nobody from another practice, switched off, or the person handing over can be
picked, whatever is posted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tend.lib import timezones
from tend.practices.models import Practitioner
from tend.team import invitations


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Their email"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Practitioner.Role.choices,
        initial=Practitioner.Role.MEMBER,
        help_text=gettext_lazy(
            "Admins also change the practice's settings and who is on the team."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation"), choices=settings.LANGUAGES
    )

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if invitations.has_account(email):
            raise forms.ValidationError(
                _(
                    "This address already has a Tend account, so it can't be invited again. "
                    "Please use another address."
                )
            )
        return email


class JoinForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=timezones.choices)
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords don't match."))
        elif first:
            someone = Practitioner(email=self.email, name=data.get("name", ""))
            try:
                password_validation.validate_password(first, someone)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Practitioner.Role.choices)


class ColleagueForm(forms.Form):
    """Who takes over from `practitioner`: one of their active colleagues."""

    colleague = forms.TypedChoiceField(label=gettext_lazy("Colleague"), coerce=int)

    def __init__(
        self, *args: Any, practitioner: Practitioner, label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {
            p.pk: p
            for p in Practitioner.objects.filter(
                practice_id=practitioner.practice_id, is_active=True
            )
            .exclude(pk=practitioner.pk)
            .order_by("name", "pk")
        }
        field = self.fields["colleague"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a colleague"))] + [
            (str(pk), p.name or p.email) for pk, p in self.people.items()
        ]
        if label:
            field.label = label

    def chosen(self) -> Practitioner:
        return self.people[self.cleaned_data["colleague"]]
