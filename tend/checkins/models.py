from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tend.care.models import Session
from tend.clients.models import Client
from tend.journal.models import Entry
from tend.lib.fields import EncryptedTextField
from tend.practices.models import Practice


class Sensation(models.TextChoices):
    TIRED = "tired", _("tired")
    HEAVY = "heavy", _("heavy")
    OPEN = "open", _("open")
    BUZZING = "buzzing", _("buzzing")
    TENSE = "tense", _("tense")
    TENDER = "tender", _("tender")
    GROUNDED = "grounded", _("grounded")
    RESTLESS = "restless", _("restless")
    OTHER = "other", _("something else")


class Emotion(models.TextChoices):
    CALM = "calm", _("calm")
    RELIEVED = "relieved", _("relieved")
    GRATEFUL = "grateful", _("grateful")
    HOPEFUL = "hopeful", _("hopeful")
    JOYFUL = "joyful", _("joyful")
    SAD = "sad", _("sad")
    TEARFUL = "tearful", _("tearful")
    ANXIOUS = "anxious", _("anxious")
    SCARED = "scared", _("scared")
    ANGRY = "angry", _("angry")
    LONELY = "lonely", _("lonely")
    NUMB = "numb", _("numb")
    CONFUSED = "confused", _("confused")
    OTHER = "other", _("something else")


class Basic(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("Not yet")
    SKIP = "", _("Skip")


class State(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    SENT = "sent", _("sent")
    ANSWERED = "answered", _("answered")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class QuickAnswer(models.TextChoices):
    SETTLED = "settled", pgettext_lazy("one-tap answer", "settled")
    TENDER = "tender", pgettext_lazy("one-tap answer", "tender")
    STIRRED = "stirred", pgettext_lazy("one-tap answer", "stirred up")
    OVERWHELMED = "overwhelmed", pgettext_lazy("one-tap answer", "overwhelmed")
    REACH_OUT = "reach_out", pgettext_lazy("one-tap answer", "please reach out")


class CheckIn(models.Model):
    """One question set for a client: scheduled by a plan (the outbox row), or begun by them.

    A scheduled check-in is claimed by a worker under a lease, emailed, perhaps reminded
    once, and then answered or, when its window closes, missed.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="checkins")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="checkins")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ANSWERED)
    sequence = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=20, blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    quick_answer = models.CharField(
        max_length=12, choices=QuickAnswer.choices, blank=True, default=""
    )
    # Every one-tap answer, oldest first, as {"answer": ..., "at": ISO time}: a client may
    # tap a second, different answer later; `quick_answer` is the latest, none is lost.
    quick_history = models.JSONField(default=list, blank=True)
    answered_again_at = models.DateTimeField(null=True, blank=True)
    details_added_at = models.DateTimeField(null=True, blank=True)
    activation = models.PositiveSmallIntegerField(null=True, blank=True)
    sensations = models.JSONField(default=list, blank=True)
    emotions = models.JSONField(default=list, blank=True)
    slept = models.CharField(max_length=3, choices=Basic.choices, blank=True, default="")
    ate = models.CharField(max_length=3, choices=Basic.choices, blank=True, default="")
    drank = models.CharField(max_length=3, choices=Basic.choices, blank=True, default="")
    moved = models.CharField(max_length=3, choices=Basic.choices, blank=True, default="")
    need = EncryptedTextField(blank=True, default="")
    wants_contact = models.BooleanField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    # What the safety screen made of the client's own words (none, concern or urgent).
    safety_level = models.CharField(max_length=8, blank=True, default="")
    # The first time a practitioner saw this answer: by opening it, acknowledging or replying.
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-answered_at",)
        indexes = (
            models.Index(fields=("client", "-answered_at")),
            models.Index(fields=("state", "due_at"), name="checkin_outbox"),
            models.Index(fields=("state", "remind_at"), name="checkin_reminders"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(activation__lte=10), name="checkin_activation_0_to_10"
            ),
        )

    def __str__(self) -> str:
        return f"check-in {self.pk} ({self.state})"

    @property
    def is_answered(self) -> bool:
        return self.state == State.ANSWERED

    @property
    def needs_crisis_lines(self) -> bool:
        """Words that may mean danger, or the top of the scale with a call for help."""
        return self.safety_level == "urgent" or (self.activation == 10 and bool(self.wants_contact))

    @property
    def last_answered_at(self) -> dt.datetime | None:
        return self.answered_again_at or self.answered_at

    def earlier_quick_answers(self) -> list[tuple[str, dt.datetime]]:
        """The one-tap answers before the latest, as (label, time), oldest first."""
        rows = []
        for entry in self.quick_history[:-1]:
            answer, at = entry.get("answer"), entry.get("at")
            if answer in QuickAnswer.values and isinstance(at, str):
                rows.append((str(QuickAnswer(answer).label), dt.datetime.fromisoformat(at)))
        return rows

    def client_words(self) -> list[tuple[str, str]]:
        """What the client wrote, in their own words, as (what it is, the words)."""
        rows = [(_("What they need"), self.need), (_("Their note"), self.note)]
        return [(str(label), text) for label, text in rows if text.strip()]

    def sensation_labels(self) -> list[str]:
        return [str(Sensation(v).label) for v in self.sensations if v in Sensation.values]

    def emotion_labels(self) -> list[str]:
        return [str(Emotion(v).label) for v in self.emotions if v in Emotion.values]

    def basics(self) -> list[tuple[str, str]]:
        """The body basics the client answered, as (question, answer) pairs."""
        rows = [
            (_("Slept"), self.slept),
            (_("Eaten"), self.ate),
            (_("Drunk water"), self.drank),
            (_("Moved gently"), self.moved),
        ]
        return [(str(q), str(Basic(a).label)) for q, a in rows if a]


class Reply(models.Model):
    """A practitioner's words back to a client: about a check-in, a shared journal entry, or
    an alert that has neither (a silence). Shown to the client in Tend and emailed."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="replies")
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # Or about a journal entry the client shared.
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=("client", "-created_at")),)

    def __str__(self) -> str:
        return f"reply {self.pk} to client {self.client_id}"


class ClientReply(models.Model):
    """The client's words back to a practitioner's reply, written in Tend."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_replies")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="answers")
    body = EncryptedTextField()
    # What the safety screen made of these words (none, concern or urgent).
    safety_level = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"client reply {self.pk} to reply {self.reply_id}"

    @property
    def needs_crisis_lines(self) -> bool:
        return self.safety_level == "urgent"
