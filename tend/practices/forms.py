from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tend.lib import timezones
from tend.practices.models import Practitioner


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That email and password don't match. Please try again."),
        "inactive": _("This account is switched off. Please ask your practice's admin."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def get_invalid_login_error(self) -> forms.ValidationError:
        """Someone switched off by their admin, with the right password, is told so."""
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        person = Practitioner.objects.filter(email=email, is_active=False).first()
        if person is not None and password and person.check_password(password):
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


class AccountForm(forms.ModelForm[Practitioner]):
    timezone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = Practitioner
        fields = ("name", "language", "timezone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        me = self.instance
        colleagues = Practitioner.objects.filter(practice_id=me.practice_id, is_active=True)
        self.fields["timezone"].choices = timezones.choices(  # type: ignore[attr-defined]
            timezones.likely([me.timezone], colleagues.values_list("timezone", flat=True)),
            keep=me.timezone,
        )


class ChangePasswordForm(PasswordChangeForm):
    """Django's, asking for the current password first, in Tend's words."""

    def __init__(self, user: Practitioner, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Your current password")
        self.fields["new_password1"].label = _("A new password")
        self.fields["new_password2"].label = _("The new password again")
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.pop("autofocus", None)


class PasswordResetInTheirLanguage(PasswordResetForm):
    """Writes the reset email in the practitioner's own language.

    The page does the same for every address, known or not: it queues a task with the
    address, and the worker looks the account up and writes the email (Django's mail API
    puts it in the outbox). So neither its words nor its time say whether an account exists.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:
        from tend.practices.password_reset import send_reset

        send_reset.enqueue(self.cleaned_data["email"])

    def send_now(self) -> None:
        """In the worker: the email, if the address is a practitioner's who can sign in."""
        site = urlsplit(settings.SITE_URL)
        super().save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="registration/password_reset-subject.txt",
            email_template_name="registration/password_reset-body.txt",
            html_email_template_name="registration/password_reset-body.html",
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(
        self, *args: Any, help_text: str = "", autofocus: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        if not autofocus:
            del self.fields["code"].widget.attrs["autofocus"]
