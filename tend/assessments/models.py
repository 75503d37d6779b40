"""A questionnaire given to a client, and what they answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.clients.models import Client
from tend.lib.fields import EncryptedJSONField
from tend.practices.models import Practice


class Questionnaire(models.Model):
    """A practice's own questionnaire (or ladder): its definition as written, in TOML, in
    the same form as Tend's own in data/measures/. Checked before it is saved."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=40)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("slug",)
        constraints = (
            models.UniqueConstraint(fields=("practice", "slug"), name="questionnaire_per_practice"),
        )

    def __str__(self) -> str:
        return self.slug


class Assignment(models.Model):
    """A practitioner's wish that a client answer a questionnaire: once, after every session,
    or on a calendar rhythm, until a last day or until stopped."""

    class When(models.TextChoices):
        ONCE = "once", _("Once, now")
        AFTER_SESSION = "after_session", _("The day after every session")
        RHYTHM = "rhythm", _("On a rhythm")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    slug = models.CharField(max_length=40)
    when = models.CharField(max_length=14, choices=When.choices, default=When.ONCE)
    every = models.PositiveSmallIntegerField(default=1)
    unit = models.CharField(max_length=5, default="weeks")  # days or weeks
    weekdays = models.JSONField(default=list, blank=True)  # 0 = Monday
    at = models.TimeField(null=True, blank=True)  # wall-clock time in the client's zone
    first = models.DateField(null=True, blank=True)
    last = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.slug} {self.when} for client {self.client_id}"

    @property
    def is_active(self) -> bool:
        return self.stopped_at is None


class Administration(models.Model):
    """One time a client is asked a questionnaire (sent by a practitioner, or begun by the
    client, as the ladder quiz can be), and, once answered, its score."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="administrations")
    slug = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="given"
    )
    # When it is emailed (none: the client began it, or it went at once), sent, reminded.
    due_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
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
        indexes = (
            models.Index(fields=("client", "slug", "-answered_at")),
            models.Index(fields=("sent_at", "due_at"), name="questionnaires_due"),
            models.Index(fields=("reminded_at", "remind_at"), name="questionnaire_reminders"),
        )

    def __str__(self) -> str:
        return f"{self.slug} for client {self.client_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def needs_crisis_lines(self) -> bool:
        return bool(self.flags)
