"""A questionnaire given to a client, and what they answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from tend.clients.models import Client
from tend.lib.fields import EncryptedJSONField
from tend.practices.models import Practice


class Administration(models.Model):
    """One time a client is asked a questionnaire (sent by a practitioner, or begun by the
    client, as the ladder quiz can be), and, once answered, its score."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="administrations")
    slug = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = EncryptedJSONField(blank=True)  # option values in item order
    total = models.IntegerField(null=True, blank=True)
    scaled = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True, default="")
    flags = models.JSONField(default=list, blank=True)  # critical items answered above 0

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("client", "slug", "-answered_at")),)

    def __str__(self) -> str:
        return f"{self.slug} for client {self.client_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def needs_crisis_lines(self) -> bool:
        return bool(self.flags)
