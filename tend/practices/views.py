from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tend.practices import errors, limits, notices, sessions
from tend.practices.forms import AccountForm, ChangePasswordForm
from tend.practices.models import Practitioner
from tend.practices.requests import PractitionerRequest


class PasswordReset(auth.PasswordResetView):
    """Django's, with limits per address and per recipient. They count the address as typed,
    known or not, so a paused page says nothing about who has an account either."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        wait = limits.take(
            (limits.RESETS_FROM, limits.address(self.request)),
            (limits.RESETS_TO, form.cleaned_data["email"].strip().lower()),
        )
        if wait is not None:
            return errors.sending_paused(self.request, wait)
        return super().form_valid(form)


class PasswordResetConfirm(auth.PasswordResetConfirmView):
    """Django's; the practitioner is told by email that their password changed."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Practitioner]) -> HttpResponse:
        response = super().form_valid(form)
        notices.sign_in_changed(form.user, notices.Change.PASSWORD)
        return response


class ChangePassword(auth.PasswordChangeView):
    """Your account, Change your password: the current one first. Every other session
    ends (Django checks each session against the password), and an email says so."""

    form_class = ChangePasswordForm
    template_name = "practices/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        notices.sign_in_changed(form.user, notices.Change.PASSWORD)
        messages.success(
            self.request,
            _(
                "Your password is changed. You stay signed in here; anywhere else you were "
                "signed in, you sign in again with the new one."
            ),
        )
        return response


@login_required
def account(request: PractitionerRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # In the language just chosen: the page after this one speaks it.
        with translation.override(request.user.language):
            messages.success(request, _("Saved."))
        return redirect("account")
    browsers = sessions.browsers_of(request.user, request.session.session_key)
    return render(request, "practices/account.html", {"form": form, "browsers": browsers})


@require_POST
@login_required
def sign_out_elsewhere(request: PractitionerRequest) -> HttpResponse:
    """End every other session signed in as them (a browser left signed in elsewhere)."""
    ended = sessions.sign_out_others(request.user, request.session.session_key)
    if ended:
        text = ngettext(
            "Signed out of %(count)d other browser.",
            "Signed out of %(count)d other browsers.",
            ended,
        )
        messages.success(request, text % {"count": ended})
    else:
        messages.info(request, _("You weren't signed in anywhere else."))
    return redirect("account")
