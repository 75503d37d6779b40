"""Inviting a colleague: an emailed link that works once, for seven days.

Only a hash of the link's token is kept, as for a client's sign-in link, rather than a
signed token (django.core.signing): an invitation has to be withdrawn, replaced and used up,
which needs a row anyway, and a copy of the database then holds no link that works.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tend.notify import outbox
from tend.notify.models import Delivery
from tend.practices.models import Invitation, Practitioner

DAYS = 7


class Problem(enum.Enum):
    UNKNOWN = "unknown"  # never made, or altered on the way
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # by an admin, or replaced by a newer one
    TAKEN = "taken"  # the address has a Tend account already


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_account(email: str) -> bool:
    return Practitioner.objects.filter(email__iexact=email.strip()).exists()


def pending(practice_id: int) -> QuerySet[Invitation]:
    """Invitations still waiting for an answer (expired ones too, until replaced)."""
    return Invitation.objects.filter(
        practice_id=practice_id, used_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("invited_by")


def invite(*, by: Practitioner, email: str, role: str, language: str) -> tuple[Invitation, str]:
    """Invite `email` to `by`'s practice, replacing any earlier invitation to it, and write
    the email (in `language`) to the outbox: the worker sends it once this commits.
    Returns the invitation and its link (kept nowhere else but in the email)."""
    email = email.strip().lower()
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        pending(by.practice_id).filter(email=email).update(withdrawn_at=now)
        invitation = Invitation.objects.create(
            practice_id=by.practice_id,
            email=email,
            role=role,
            language=language,
            invited_by=by,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + dt.timedelta(days=DAYS),
        )
        url = settings.SITE_URL + reverse("team:join", args=[token])
        outbox.email(
            "team/emails/invitation",
            to=email,
            language=language,
            context={
                "inviter": by.name or by.email,
                "practice": by.practice.name,
                "url": url,
                "days": DAYS,
                "admin": role == Practitioner.Role.ADMIN,
            },
            kind=Delivery.Kind.INVITATION,
            key=delivery_key(invitation.pk),
            practice_id=by.practice_id,
        )
    return invitation, url


def delivery_key(invitation_id: int) -> str:
    return f"team-invitation:{invitation_id}"


def waiting(practice_id: int) -> list[tuple[Invitation, Delivery | None]]:
    """The pending invitations, each with what happened to its email."""
    found = list(pending(practice_id))
    emails = {
        d.key: d
        for d in Delivery.objects.filter(key__in=[delivery_key(i.pk) for i in found]).only(
            "key", "state", "error"
        )
    }
    return [(i, emails.get(delivery_key(i.pk))) for i in found]


def withdraw(invitation: Invitation) -> bool:
    """False if it had been used or withdrawn meanwhile."""
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
    )


def find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("practice", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def problem(invitation: Invitation | None) -> Problem | None:
    if invitation is None:
        return Problem.UNKNOWN
    if invitation.used_at is not None:
        return Problem.USED
    if invitation.withdrawn_at is not None:
        return Problem.WITHDRAWN
    if invitation.expires_at <= timezone.now():
        return Problem.EXPIRED
    if has_account(invitation.email):
        return Problem.TAKEN
    return None


def accept(
    token: str, *, name: str, password: str, language: str, zone: str
) -> Practitioner | Problem:
    """Use the invitation once: the colleague joins its practice with its role. Two
    simultaneous answers: one joins, the other gets USED; nothing else changes."""
    invitation = find(token)
    found = problem(invitation)
    if found is not None or invitation is None:
        return found or Problem.UNKNOWN
    try:
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=invitation.pk,
                used_at__isnull=True,
                withdrawn_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).update(used_at=timezone.now())
            if not claimed:
                return problem(find(token)) or Problem.USED
            return Practitioner.objects.create_user(
                invitation.email,
                password,
                practice_id=invitation.practice_id,
                name=name,
                role=invitation.role,
                language=language,
                timezone=zone,
            )
    except IntegrityError:  # the address joined some practice a moment ago
        return Problem.TAKEN
