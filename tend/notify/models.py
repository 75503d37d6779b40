from __future__ import annotations

from django.db import models
from django.utils import timezone

from tend.checkins.models import CheckIn
from tend.practices.models import Practice


class Delivery(models.Model):
    """One message we meant to send, under a key that can exist only once.

    The row is written before the message goes out and marked sent after the server has
    taken it; its Message-ID is stable, so a resend after a crash is the same message.
    """

    class Kind(models.TextChoices):
        CHECKIN = "checkin"
        REMINDER = "reminder"

    class State(models.TextChoices):
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE)
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, default="email")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return self.key
