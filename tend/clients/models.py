from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.practices.models import Practice


class Client(models.Model):
    """A person in care. Signs in with emailed links, never a password."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="clients")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clients"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # ISO 3166-1 alpha-2, for the crisis lines they see; blank: go by the time zone.
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    quiet_start = models.TimeField(_("quiet hours begin"), default=dt.time(21, 0))
    quiet_end = models.TimeField(_("quiet hours end"), default=dt.time(8, 0))
    created_at = models.DateTimeField(default=now)
    invited_at = models.DateTimeField(null=True, blank=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    # Follow-up emails wait while paused (a quiet day, or longer) and stop when stopped.
    paused_until = models.DateTimeField(null=True, blank=True)
    emails_stopped_at = models.DateTimeField(null=True, blank=True)
    # Every session signed in before this has ended (their email changed, or the
    # practitioner signed them out everywhere).
    sessions_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        constraints = (
            models.UniqueConstraint(fields=("practice", "email"), name="client_email_per_practice"),
        )

    def __str__(self) -> str:
        return self.name


class SignInLink(models.Model):
    """A single-use, expiring link emailed to a client. Only a hash of the token is kept."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation"
        SIGN_IN = "sign_in"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # A newer link was made for the same client: only the newest one works.
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} link for client {self.client_id}"
