"""The words for what kind of session it was: its modality and how intense it went. Sessions
use them (tend.care), and so do the practices that suit one (tend.integration)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    TALK_THERAPY = "talk_therapy", _("Talk therapy")
    COACHING = "coaching", _("Coaching")
    BODYWORK = "bodywork", _("Bodywork")
    ENERGY_WORK = "energy_work", _("Energy work")
    BREATHWORK = "breathwork", _("Breathwork")
    CEREMONY = "ceremony", _("Ceremony or psychedelic integration")
    OTHER = "other", _("Other")


class Intensity(models.TextChoices):
    GENTLE = "gentle", _("Gentle")
    MODERATE = "moderate", _("Moderate")
    INTENSE = "intense", _("Intense")
