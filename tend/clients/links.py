"""Sign-in links for clients: made, emailed, and redeemed exactly once."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tend.clients.models import Client, SignInLink
from tend.lib import emails


class LinkProblem(enum.Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(*, client: Client, purpose: str = SignInLink.Purpose.SIGN_IN) -> str:
    """Make a new link for `client` and return its full URL."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        practice_id=client.practice_id,
        client=client,
        token_hash=_hash(token),
        purpose=purpose,
        expires_at=timezone.now() + dt.timedelta(hours=settings.CLIENT_LINK_HOURS),
    )
    return settings.SITE_URL + reverse("client:signin_link", args=[token])


def link_find(token: str) -> SignInLink | None:
    return SignInLink.objects.select_related("client").filter(token_hash=_hash(token)).first()


def link_problem(link: SignInLink | None) -> LinkProblem | None:
    if link is None:
        return LinkProblem.UNKNOWN
    if link.used_at is not None:
        return LinkProblem.USED
    if link.expires_at <= timezone.now():
        return LinkProblem.EXPIRED
    return None


def link_redeem(token: str) -> Client | LinkProblem:
    """Use the link once. A second use, even a simultaneous one, gets USED."""
    link = link_find(token)
    problem = link_problem(link)
    if problem is not None or link is None:
        return problem or LinkProblem.UNKNOWN
    now = timezone.now()
    with transaction.atomic():
        claimed = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:
            return LinkProblem.USED
        Client.objects.filter(pk=link.client_id).update(last_signed_in_at=now)
    return link.client


def invitation_send(*, client: Client) -> None:
    url = link_create(client=client, purpose=SignInLink.Purpose.INVITATION)
    emails.send(
        "clients/emails/invitation",
        to=client.email,
        language=client.language,
        context={"client": client, "practitioner": client.practitioner, "url": url},
    )
    Client.objects.filter(pk=client.pk).update(invited_at=timezone.now())


def fresh_link_send(*, client: Client) -> None:
    url = link_create(client=client)
    emails.send(
        "clients/emails/sign_in",
        to=client.email,
        language=client.language,
        context={"client": client, "practitioner": client.practitioner, "url": url},
    )


def fresh_links_for_email(email: str) -> int:
    """Send a fresh link to every client with this address. Says nothing about who exists."""
    clients = Client.objects.select_related("practitioner").filter(email__iexact=email.strip())
    for client in clients:
        fresh_link_send(client=client)
    return len(clients)
