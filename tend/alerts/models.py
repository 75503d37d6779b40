"""Alerts: a client who may need a person now, and everything done about it.

An alert opens when a signal fires (see `signals.py`) and stays open until a practitioner
acknowledges it. While open it has someone responsible and a time at which, unanswered,
it is passed on (see `escalation.py`). Each step is kept as an `AlertEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.lib.fields import EncryptedTextField
from tend.practices.models import Practice


class Kind(models.TextChoices):
    SAFETY = "safety", _("words that may mean danger")
    CONTACT = "contact", _("asked you to reach out")
    ACTIVATION = "activation", _("high activation")
    BASICS = "basics", _("sleep or food missing")
    SILENCE = "silence", _("no answer after an intense session")
    UNREACHABLE = "unreachable", _("email could not reach them")


class Level(models.TextChoices):
    URGENT = "urgent", _("urgent")
    NORMAL = "normal", _("normal")


class AlertState(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert state", "open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert state", "acknowledged")
    RESOLVED = "resolved", pgettext_lazy("alert state", "resolved")


class Alert(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.NORMAL)
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    # The numbers behind the reason ("activation 9, usually around 3"); never the client's words.
    detail = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(default=now)
    # Who holds it now, how far it has been passed on, and when it next will be.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step = models.PositiveSmallIntegerField(default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ("-opened_at",)
        indexes = (
            models.Index(fields=("practice", "state")),
            models.Index(fields=("state", "escalate_at"), name="alert_escalation"),
        )
        constraints = (
            # Repeated signals of one kind never open a second alert while one is open.
            models.UniqueConstraint(
                fields=("client", "kind"),
                condition=models.Q(state="open"),
                name="one_open_alert_per_kind",
            ),
        )

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.kind}, {self.state})"

    @property
    def is_urgent(self) -> bool:
        return self.level == Level.URGENT


class AlertEvent(models.Model):
    """One step in an alert's life: opened, told someone, passed on, acknowledged..."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened")
        REPEATED = "repeated", _("signalled again")
        NOTIFIED = "notified", _("notified")
        ESCALATED = "escalated", _("passed on")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        REPLIED = "replied", _("replied")
        RESOLVED = "resolved", _("resolved")

    class Channel(models.TextChoices):
        APP = "app", _("in Tend")
        EMAIL = "email", _("email")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now)
    action = models.CharField(max_length=12, choices=Action.choices)
    # Who was told (notified, escalated) or who acted (acknowledged, replied, resolved).
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.APP)
    # For emails: a key that exists once, so a step re-run after a crash never tells twice.
    key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
