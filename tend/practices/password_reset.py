"""The password reset email, written by the worker (see PasswordResetInTheirLanguage)."""

from __future__ import annotations

from django.tasks import task

from tend.practices.forms import PasswordResetInTheirLanguage


@task
def send_reset(email: str) -> None:
    form = PasswordResetInTheirLanguage({"email": email})
    if form.is_valid():
        form.send_now()
