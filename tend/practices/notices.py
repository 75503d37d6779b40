"""Telling a practitioner that how they sign in has changed (ASVS 2.2.3, 2.5.5).

After a change to their password, their two-step sign-in or their place in the practice,
an email goes to them saying what changed and when, and what to do if it wasn't them. It is
written to the outbox in the same transaction as the change (the worker sends it), in their
own language, and holds nothing that would help anyone else sign in: no code, no link with
a token, no password.
"""

from __future__ import annotations

import enum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tend.notify import outbox
from tend.notify.models import Delivery
from tend.practices.models import Practitioner


class Change(enum.Enum):
    PASSWORD = enum.auto()
    TWO_STEP_ON = enum.auto()
    TWO_STEP_OFF = enum.auto()
    RECOVERY_CODES = enum.auto()
    TWO_STEP_CLEARED = enum.auto()  # by an admin
    ROLE = enum.auto()  # by an admin
    SWITCHED_OFF = enum.auto()  # by an admin
    SWITCHED_ON = enum.auto()  # by an admin


# The subject, and the sentence that opens the email; "by" is the admin who did it.
WORDS = {
    Change.PASSWORD: (
        _("Your Tend password was changed"),
        _("The password for your Tend account was changed."),
    ),
    Change.TWO_STEP_ON: (
        _("Two-step sign-in is on for your Tend account"),
        _(
            "Two-step sign-in was turned on for your Tend account, with an authenticator app "
            "and a new set of recovery codes."
        ),
    ),
    Change.TWO_STEP_OFF: (
        _("Two-step sign-in is off for your Tend account"),
        _(
            "Two-step sign-in was turned off for your Tend account: from now on your "
            "password alone signs you in."
        ),
    ),
    Change.RECOVERY_CODES: (
        _("New recovery codes for your Tend account"),
        _(
            "New recovery codes were made for your Tend account, so the earlier ones no "
            "longer work."
        ),
    ),
    Change.TWO_STEP_CLEARED: (
        _("Your two-step sign-in was cleared"),
        _(
            "%(by)s cleared the authenticator app and recovery codes for your Tend account, "
            "and you were signed out everywhere. You sign in with your password, then set "
            "up your app again."
        ),
    ),
    Change.ROLE: (
        _("Your role in Tend changed"),
        _("%(by)s changed your role in %(practice)s: it is now “%(role)s”."),
    ),
    Change.SWITCHED_OFF: (
        _("Your Tend account was switched off"),
        _(
            "%(by)s switched off your account in %(practice)s, so you can no longer sign in "
            "to Tend."
        ),
    ),
    Change.SWITCHED_ON: (
        _("Your Tend account is switched on again"),
        _("%(by)s switched your account in %(practice)s on again, so you can sign in."),
    ),
}


def sign_in_changed(
    person: Practitioner, change: Change, *, by: Practitioner | None = None
) -> None:
    """Tell `person` about `change` (made by `by`, an admin, or by themselves): the email is
    written in the caller's transaction, so it goes only if the change is kept."""
    person = Practitioner.objects.select_related("practice").get(pk=person.pk)
    at = timezone.now()
    admins = Practitioner.objects.filter(
        practice_id=person.practice_id, role=Practitioner.Role.ADMIN, is_active=True
    ).exclude(pk=person.pk)
    subject, opening = WORDS[change]
    values: dict[str, object] = {
        "by": (by.name or by.email) if by is not None else "",
        "practice": person.practice.name,
        "role": Practitioner.Role(person.role).label,
    }
    outbox.email(
        "practices/emails/sign_in_changed",
        to=person.email,
        language=person.language,
        context={
            "person": person,
            "subject": subject,
            "opening": Opening(opening, values),
            "at": at,
            "admins": [a.name or a.email for a in admins],
            "switched_off": change is Change.SWITCHED_OFF,
        },
        kind=Delivery.Kind.ACCOUNT,
        practice_id=person.practice_id,
    )


class Opening:
    """The opening sentence, translated when the email is rendered (in their language)."""

    def __init__(self, words: object, values: dict[str, object]) -> None:
        self.words, self.values = words, values

    def __str__(self) -> str:
        return str(self.words) % {key: str(value) for key, value in self.values.items()}
