from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Practice(models.Model):
    """A tenant: one practitioner working alone, or a clinic. All client data belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=now)

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

    objects: ClassVar[PractitionerManager] = PractitionerManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name or self.email
