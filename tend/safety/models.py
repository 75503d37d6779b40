from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.practices.models import Practice


class CrisisLine(models.Model):
    """A practice's own crisis line or urgent contact, shown to its clients before Tend's.

    Always read through tend.practices.tenancy (`for_practice`, `scoped`, `get_or_404`).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="crisis_lines")
    # ISO 3166-1 alpha-2; blank means clients in every country see it.
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone number"), max_length=40, blank=True, default="")
    text = models.CharField(_("text message number"), max_length=40, blank=True, default="")
    text_body = models.CharField(_("message to send"), max_length=40, blank=True, default="")
    website = models.URLField(_("website"), max_length=300, blank=True, default="")
    hours = models.CharField(_("when it's open"), max_length=100, blank=True, default="")
    notes = models.CharField(_("notes for clients"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.name
