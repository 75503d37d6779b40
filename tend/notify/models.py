"""Every email Tend means to send, and what became of it.

One row per message, under a key that exists once (its Message-ID is made from the key, so
a message sent again after a worker died is recognisably the same message). Two kinds of
row share the table:

- written ahead (`due_at` set): the whole message, encrypted, written in the transaction
  of whatever asked for it (a sign-in link, a reply, an alert); the worker sends it;
- follow-up check-ins and reminders (`due_at` empty): the check-in row is the outbox and
  the message is built as it goes; this row records its fate.

The state is the truth at every moment: `queued` (not yet taken by a server; `error` says
why, if an attempt failed), `sending` (handed to the server, no answer recorded: the worker
may have died, so it will go again), `sent` (the server answered 250), `failed` (refused for
good, with the reason). `attempts` counts the times it was put on a line to the server
(a worker killed in the instant before the message left may have counted one the server
never saw; a message the server took twice counted twice).

Rows name their practice and client by id, not by foreign key: this app sits below every
other, so that any of them can write an email.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tend.lib.fields import EncryptedTextField


class Delivery(models.Model):
    class Kind(models.TextChoices):
        CHECKIN = "checkin"
        REMINDER = "reminder"
        ALERT = "alert"
        REPLY = "reply"
        QUESTIONNAIRE = "survey"  # a questionnaire
        SIGN_IN = "sign_in"
        INVITATION = "invitation"
        ACCOUNT = "account"  # anything sent through Django's mail API (password reset)

    class State(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    key = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    practice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipient = models.CharField(max_length=254, blank=True, default="")
    # The whole message (base64 of its bytes), for rows written ahead; emptied once sent.
    message = EncryptedTextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    # When it was first not taken ("not now", or no server to be had); cleared once sent.
    trouble_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            # Rows written ahead only: a check-in's row changing state touches no index here.
            models.Index(
                fields=("state", "due_at"),
                name="delivery_due",
                condition=models.Q(due_at__isnull=False),
            ),
            models.Index(fields=("sent_at",), name="delivery_sent"),
        )

    def __str__(self) -> str:
        return self.key


class WorkerBeat(models.Model):
    """The last time each worker was seen at work: its rounds say so every half minute, so a
    page can tell admins when follow-ups have stopped going out, and /health/ can answer."""

    worker = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
