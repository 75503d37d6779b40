from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Practice(models.Model):
    """A tenant: one practitioner working alone, or a clinic. All client data belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=now)

    # When a client needs attention: thresholds for the "needs you now" queue.
    activation_threshold = models.PositiveSmallIntegerField(
        _("activation that needs attention"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("An answer at or above this (out of 10) opens an alert."),
    )
    baseline_jump = models.PositiveSmallIntegerField(
        _("rise above the client's usual level"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Points above the client's recent usual level that open an alert."),
    )
    silence_hours = models.PositiveSmallIntegerField(
        _("hours of silence after an intense session"),
        default=48,
        validators=[MinValueValidator(6), MaxValueValidator(24 * 14)],
    )
    basics_days = models.PositiveSmallIntegerField(
        _("days without sleep or food"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text=_("Days in a row a client says they haven't slept or eaten."),
    )
    urgent_escalation_minutes = models.PositiveSmallIntegerField(
        _("minutes before an urgent alert is passed on"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    normal_escalation_hours = models.PositiveSmallIntegerField(
        _("hours before other alerts are passed on"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )

    def __str__(self) -> str:
        return self.name


class PractitionerManager(BaseUserManager["Practitioner"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Practitioner:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class Practitioner(AbstractBaseUser):
    """A person who works with clients and signs in with email and password."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Practitioner")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="practitioners")
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=now)
    # Coverage: who steps in for this practitioner's alerts (set by the practice), and
    # when they are away, until when and who covers then (set by themselves).
    covered_by = models.ForeignKey(
        "self",
        verbose_name=_("covered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    away_until = models.DateTimeField(_("away until"), null=True, blank=True)
    away_cover = models.ForeignKey(
        "self",
        verbose_name=_("covering while away"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[PractitionerManager] = PractitionerManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name or self.email
