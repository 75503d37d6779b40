"""Who read or changed which client's record, and when: written once, never changed.

A row names the client by id, not by foreign key, so that it outlives the client: erasing
a client leaves their trail (and the erasure itself) with no word of theirs in it. Rows
hold ids, an action and a time, never anything a client or practitioner wrote.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from tend.practices.models import Practice


class Action(models.TextChoices):
    VIEWED_CLIENT = "viewed_client", _("opened their page")
    VIEWED_BRIEF = "viewed_brief", _("opened their brief")
    VIEWED_CHECKIN = "viewed_checkin", _("opened a check-in")
    VIEWED_SESSION = "viewed_session", _("opened a session's notes")
    ADDED_SESSION = "added_session", _("logged a session")
    CHANGED_SESSION = "changed_session", _("changed a session's notes")
    DELETED_SESSION = "deleted_session", _("deleted a session")
    REPLIED = "replied", _("sent a reply")
    CHANGED_CLIENT = "changed_client", _("changed their details")
    SIGNED_OUT = "signed_out", _("signed them out everywhere")
    EMAILS_STOPPED = "emails_stopped", _("stopped emails")
    DOWNLOADED = "downloaded", _("downloaded their data")
    EXPORTED = "exported", _("exported the practice's data")
    ERASED = "erased", _("erased the client")


# What a client is shown as "opened your record": reading, not the practice's chores.
READS = (
    Action.VIEWED_CLIENT,
    Action.VIEWED_BRIEF,
    Action.VIEWED_CHECKIN,
    Action.VIEWED_SESSION,
    Action.EXPORTED,
)


class AppendOnly(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ValueError("The audit trail is written once and never changed.")

    def delete(self) -> NoReturn:
        raise ValueError("The audit trail is written once and never changed.")


class Event(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=now)
    # A practitioner; empty with `by_client` when the client acted on their own record, and
    # empty alone when the person has since left Tend's database.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_client = models.BooleanField(default=False)
    client_id = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # Which record, as "<kind>:<id>" ("checkin:12"), or empty for the client themselves.
    record = models.CharField(max_length=40, blank=True, default="")

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        indexes = (models.Index(fields=("practice", "client_id", "at")),)

    def __str__(self) -> str:
        return f"{self.action} client {self.client_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The audit trail is written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("The audit trail is written once and never changed.")
