"""Integration practices: short guided things a client can do in the days after a session.

In the app they are "practices". In code they are exercises, so that they are never
confused with the `Practice` a practitioner belongs to.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.clients.models import Client
from tend.lib.fields import EncryptedJSONField
from tend.lib.languages import pick
from tend.practices.models import Practice


class Kind(models.TextChoices):
    REFLECT = "reflect", _("Reflect")
    BODY = "body", _("Body")
    REST = "rest", _("Rest")
    RIPPLES = "ripples", _("Ripples")
    PAUSE = "pause", _("Pause")
    BASICS = "basics", _("Basics")


class Exercise(models.Model):
    """One practice. Tend's own come from data/practices/ (practice is empty); a practice can
    write its own. Its words are kept by language: {"en": {"title", "summary", "steps",
    "prompts"}, "es": {...}}."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    key = models.SlugField(max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField(_("about how many minutes"), default=2)
    # Session intensities and modalities it suits; no modalities means every one.
    intensities = models.JSONField(default=list)
    modalities = models.JSONField(default=list, blank=True)
    text = EncryptedJSONField()
    retired = models.BooleanField(default=False)  # a built-in no longer shipped, or one removed

    class Meta:
        ordering = ("kind", "minutes", "key")
        constraints = (
            models.UniqueConstraint(
                fields=("key",), condition=models.Q(practice=None), name="builtin_key_unique"
            ),
            models.UniqueConstraint(fields=("practice", "key"), name="own_key_unique"),
        )

    def __str__(self) -> str:
        return self.key

    @property
    def is_builtin(self) -> bool:
        return self.practice_id is None

    def words(self, language: str) -> dict[str, object]:
        """Title, summary, steps and prompts in `language`, or the nearest there is."""
        return dict(pick(self.text, language) or {})

    def title(self, language: str) -> str:
        return str(self.words(language).get("title", self.key))


class ExerciseDone(models.Model):
    """A client did a practice (their own word for it: they pressed "I did this")."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="exercises_done")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("-at",)
        indexes = (models.Index(fields=("client", "-at")),)

    def __str__(self) -> str:
        return f"{self.client_id} did {self.exercise_id}"
