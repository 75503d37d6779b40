from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tend.clients.models import Client
from tend.integration.models import Exercise
from tend.lib.fields import EncryptedJSONField, EncryptedTextField
from tend.lib.languages import pick
from tend.lib.session_kinds import Intensity, Modality

__all__ = ["AftercarePlan", "Intensity", "Modality", "Session"]
from tend.practices.models import Practice


class Session(models.Model):
    """One meeting with a client. A session in the future is a planned one."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sessions")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sessions")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("when"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    intensity = models.CharField(_("intensity"), max_length=10, choices=Intensity.choices)
    private_note = EncryptedTextField(_("private note"), blank=True, default="")
    client_note = EncryptedTextField(_("note for the client"), blank=True, default="")
    # The follow-up chosen for this session: hours after it, and guidance for the client
    # (empty means the practice's or Tend's words for this intensity, in the client's language).
    plan_hours = models.JSONField(default=list, blank=True)
    guidance = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-starts_at",)
        indexes = (models.Index(fields=("client", "-starts_at")),)

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.starts_at:%Y-%m-%d}"

    @property
    def is_planned(self) -> bool:
        return self.starts_at > timezone.now()


class AftercarePlan(models.Model):
    """A practice's own follow-up for an intensity, optionally for one modality."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="plans")
    intensity = models.CharField(_("intensity"), max_length=10, choices=Intensity.choices)
    modality = models.CharField(
        _("modality"), max_length=20, choices=Modality.choices, blank=True, default=""
    )
    hours = models.JSONField(_("check-ins"), default=list)
    # The practice's words for the client, by language: {"en": "...", "es": "..."}.
    guidance = EncryptedJSONField(blank=True)
    # The practices that go with it; none chosen means the library's fitting ones.
    exercises = models.ManyToManyField(Exercise, blank=True, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("practice", "intensity", "modality"), name="one_plan_per_kind"
            ),
        )

    def __str__(self) -> str:
        return f"{self.intensity} {self.modality or 'any'}"

    def guidance_in(self, language: str) -> str:
        """The practice's words in `language` only: another language's would not be read."""
        return str(pick(self.guidance, language, fallback=False) or "")
