"""Sign-in links for clients: made, emailed, and redeemed exactly once."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from tend.clients.models import Client, SignInLink
from tend.notify import outbox
from tend.notify.models import Delivery


class LinkProblem(enum.Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"  # a newer link was sent, or the client was signed out everywhere


# At most this many sign-in links for one client in an hour, however often they are asked
# for (the sign-in form says nothing about who exists, so anyone can ask for anyone).
LINKS_PER_HOUR = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def link_create(*, client: Client, purpose: str = SignInLink.Purpose.SIGN_IN) -> str:
    """Make a new link for `client` and return its full URL. Their older unused links stop
    working: only the newest one sent signs them in."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    _stop_unused_links(client, now)
    SignInLink.objects.create(
        practice_id=client.practice_id,
        client=client,
        token_hash=_hash(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.CLIENT_LINK_HOURS),
    )
    return settings.SITE_URL + reverse("client:signin_link", args=[token])


@transaction.atomic
def sign_out_everywhere(client: Client) -> None:
    """End every session the client has signed in, and stop their unused links."""
    now = timezone.now()
    Client.objects.filter(pk=client.pk).update(sessions_ended_at=now)
    client.sessions_ended_at = now
    _stop_unused_links(client, now)


def _stop_unused_links(client: Client, now: dt.datetime) -> None:
    SignInLink.objects.filter(client=client, used_at=None, replaced_at=None).update(replaced_at=now)


def next_link_at(client: Client) -> dt.datetime | None:
    """When another sign-in link may be sent to this client; None: now."""
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = list(
        SignInLink.objects.filter(
            client=client, purpose=SignInLink.Purpose.SIGN_IN, created_at__gt=hour_ago
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:LINKS_PER_HOUR]
    )
    if len(recent) < LINKS_PER_HOUR:
        return None
    return recent[-1] + dt.timedelta(hours=1)


def link_find(token: str) -> SignInLink | None:
    return SignInLink.objects.select_related("client").filter(token_hash=_hash(token)).first()


def link_problem(link: SignInLink | None) -> LinkProblem | None:
    if link is None:
        return LinkProblem.UNKNOWN
    if link.used_at is not None:
        return LinkProblem.USED
    if link.replaced_at is not None:
        return LinkProblem.REPLACED
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
        claimed = SignInLink.objects.filter(
            pk=link.pk, used_at__isnull=True, replaced_at__isnull=True
        ).update(used_at=now)
        if not claimed:
            return LinkProblem.USED
        Client.objects.filter(pk=link.client_id).update(last_signed_in_at=now)
    return link.client


def _email_link(client: Client, template: str, kind: str, url: str) -> bool:
    """The link's email, to the outbox: sent by the worker once the caller commits. False
    if the address is one no mail server would take (nothing will be sent)."""
    written = outbox.email(
        template,
        to=client.email,
        language=client.language,
        context={
            "client": {"name": client.name},
            "practitioner": {"name": client.practitioner.name},
            "url": url,
        },
        kind=kind,
        practice_id=client.practice_id,
        client_id=client.pk,
    )
    return written.state != Delivery.State.FAILED


def invitation_send(*, client: Client) -> bool:
    """Invite the client by email. False if their address can't take email as written."""
    url = link_create(client=client, purpose=SignInLink.Purpose.INVITATION)
    if not _email_link(client, "clients/emails/invitation", Delivery.Kind.INVITATION, url):
        return False
    Client.objects.filter(pk=client.pk).update(invited_at=timezone.now())
    return True


def fresh_link_send(*, client: Client) -> dt.datetime | None:
    """Email the client a new sign-in link, unless they were sent LINKS_PER_HOUR in the last
    hour: then nothing is sent, and the answer is when one can be."""
    wait_until = next_link_at(client)
    if wait_until is None:
        url = link_create(client=client)
        _email_link(client, "clients/emails/sign_in", Delivery.Kind.SIGN_IN, url)
    return wait_until


def fresh_links_for_email(email: str) -> int:
    """Send a fresh link to every client with this address. Says nothing about who exists.

    The links are made and written by the worker, so the page answers at once, and as
    quickly for an address nobody has as for one that two practices know.
    """
    found = list(Client.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True))
    for client_id in found:
        send_fresh_link.enqueue(client_id)
    return len(found)


@task
def send_fresh_link(client_id: int) -> None:
    """In the worker: make a new sign-in link for the client and write its email.

    The link is made here rather than passed in, so it is never stored as a task argument
    (links are kept only as a hash; the email, encrypted, only until it is sent).
    """
    client = Client.objects.select_related("practitioner").filter(pk=client_id).first()
    if client is not None:  # else gone meanwhile
        fresh_link_send(client=client)
