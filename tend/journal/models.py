"""The client's private journal: entries written freely or from a prompt, and ripples.

An entry is private until the client shares it, and un-sharing takes it back at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.clients.models import Client
from tend.integration.models import Exercise
from tend.lib.fields import EncryptedTextField
from tend.practices.models import Practice


class EntryKind(models.TextChoices):
    FREE = "free", _("Free writing")
    PROMPT = "prompt", _("From a prompt")
    RIPPLE = "ripple", _("Ripple")


class EntryQuerySet(models.QuerySet["Entry"]):
    def shared(self) -> EntryQuerySet:
        """What a practitioner may read: shared entries only, never private ones."""
        return self.filter(shared_at__isnull=False)


class Entry(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=EntryKind.choices, default=EntryKind.FREE)
    # The prompt it answers, as the client read it, and the practice it came from.
    prompt = EncryptedTextField(blank=True, default="")
    exercise = models.ForeignKey(
        Exercise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = EncryptedTextField()
    # What the safety screen made of the words (none, concern or urgent).
    safety_level = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(default=now)
    shared_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = (
            models.Index(fields=("client", "-created_at")),
            models.Index(fields=("client", "shared_at")),
        )

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.kind})"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def needs_crisis_lines(self) -> bool:
        return self.safety_level == "urgent"
