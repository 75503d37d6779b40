from __future__ import annotations

import time
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.oath import TOTP

from tend.lib import recovery_codes
from tend.lib.fields import EncryptedTextField

TOTP_DIGITS = 6


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
    idle_minutes = models.PositiveSmallIntegerField(
        _("minutes without activity before signing out"),
        default=30,
        db_default=30,  # so rows written by code from before it (old migrations) get it too
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)],
        help_text=_(
            "Someone who leaves Tend open on a screen is signed out after this long without "
            "using it, so nobody passing by reads a client's notes."
        ),
    )
    require_two_factor = models.BooleanField(
        _("everyone signs in with a code from their phone too"),
        default=False,
        db_default=False,
        help_text=_(
            "Two-step sign-in: after their password, each practitioner types a code from an "
            "authenticator app. Anyone who hasn't set it up yet is asked to when they next "
            "sign in."
        ),
    )

    def __str__(self) -> str:
        return self.name


class PractitionerManager(BaseUserManager["Practitioner"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Practitioner:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class Practitioner(AbstractBaseUser):  # type: ignore[django-manager-missing]
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

    # Set when an admin switches them off: every session they had ends, and stays ended
    # if they are switched on again (they sign in afresh).
    sessions_ended_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PractitionerManager] = PractitionerManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's own (an HMAC of the password hash), and when their sessions were ended:
        a session signed in before that no longer matches, so it ends at its next request."""
        value = self.password
        if self.sessions_ended_at is not None:
            value = f"{value}:{self.sessions_ended_at.isoformat()}"
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Invitation(models.Model):
    """An admin asking a colleague to join the practice. The emailed link works once, for
    seven days; only a hash of its token is kept (as for a client's sign-in link)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Practitioner.Role.choices, default="member"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Withdrawn by an admin, or replaced by a newer invitation to the same address.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"invitation {self.pk} to practice {self.practice_id}"


class Move(models.Model):
    """One thing handed from one practitioner to another: a client, an open alert, or who
    covers for a colleague. Written once, never changed: the team's record of who moved
    what, when. Clients and alerts are named by id only, never by anything they wrote."""

    class What(models.TextChoices):
        CLIENT = "client", _("client")
        ALERT = "alert", _("open alert")
        COVER = "cover", _("usual cover")
        AWAY_COVER = "away_cover", _("cover while away")

    class Why(models.TextChoices):
        MOVED = "moved", _("moved by an admin")
        DEACTIVATED = "deactivated", _("switched off")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=now)
    by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    why = models.CharField(max_length=12, choices=Why.choices)
    what = models.CharField(max_length=12, choices=What.choices)
    # The client's or alert's id; for a cover, the colleague whose cover it is.
    record_id = models.PositiveBigIntegerField()
    from_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # None: a cover cleared (their usual cover, or the admins, step in instead).
    to_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("at", "pk")
        indexes = (models.Index(fields=("what", "record_id")),)

    def __str__(self) -> str:
        return f"{self.what} {self.record_id} moved at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A move is recorded once and never changed.")
        super().save(*args, **kwargs)


class Tally(models.Model):
    """One counted act under a key: an email someone asked Tend to send, a wrong sign-in
    code. Kept in the database, so every web process counts the same (tend.practices.limits).
    The key is a keyed hash of what is counted (an address, an email), never the thing itself.
    """

    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=now)

    class Meta:
        indexes = (models.Index(fields=("key", "at")), models.Index(fields=("at",)))

    def __str__(self) -> str:
        return f"tally at {self.at:%Y-%m-%d %H:%M}"


class AuthenticatorApp(Device):  # type: ignore[misc]
    """A practitioner's authenticator app for two-step sign-in (TOTP, RFC 6238, through
    django-otp). Its key is encrypted at rest like notes, so a copy of the database or a
    backup alone can't make their codes; `tend rotate_keys` re-encrypts it."""

    key = EncryptedTextField()  # hex, as an app's key is written in django-otp
    # The last 30-second step a code was taken from: each code works once.
    last_t = models.BigIntegerField(default=-1)
    drift = models.SmallIntegerField(default=0)

    def verify_token(self, token: Any) -> bool:
        token = str(token)
        if len(token) != TOTP_DIGITS or not token.isdigit():
            return False
        totp = TOTP(bytes.fromhex(self.key), drift=self.drift)
        totp.time = time.time()
        if not totp.verify(int(token), tolerance=1, min_t=self.last_t + 1):
            return False
        self.last_t, self.drift = totp.t(), totp.drift
        self.save(update_fields=["last_t", "drift"])
        return True


class RecoveryCodes(Device):  # type: ignore[misc]
    """A practitioner's recovery codes, as django-otp sees them: one device, whose codes
    (RecoveryCode) each sign in once in place of the app's code."""

    def verify_token(self, token: Any) -> bool:
        for code in self.codes.filter(used_at=None):
            if recovery_codes.matches(str(token), code.hashed):
                # Conditional: of two sign-ins with the same code at once, one wins.
                taken = RecoveryCode.objects.filter(pk=code.pk, used_at=None).update(used_at=now())
                return bool(taken)
        return False


class RecoveryCode(models.Model):
    """One recovery code: only a salted hash of it is kept (tend.lib.recovery_codes)."""

    codes = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    hashed = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class BrowserSession(AbstractBaseSession):
    """A browser's session (tend.practices.sessions), naming the practitioner signed in on
    it: their own browsers are listed and ended without reading anyone else's sessions."""

    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls) -> Any:
        from tend.practices.sessions import SessionStore

        return SessionStore
