"""Writing an email: a row in the caller's transaction, sent later by the worker.

No web request talks to SMTP. Whatever asks for an email (a sign-in link, a reply, an
alert, a password reset) writes it here, whole and encrypted, in the same transaction as
the change it is about; the worker sends it (`drain.py`) through the one sender
(`sender.py`). Django's own mail API lands here too: the default mailer is `OutboxBackend`.
"""

from __future__ import annotations

import base64
import copy
import logging
import secrets
from collections.abc import Sequence
from email.policy import SMTP
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import punycode

from tend.lib import emails
from tend.notify.models import Delivery

log = logging.getLogger(__name__)


def message_id(key: str) -> str:
    """Stable per delivery key, so a resend after a crash is recognisably the same message."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{key.replace(':', '.')}@{domain or 'tend'}>"


def envelope_address(address: str) -> str:
    """An addr-spec fit for SMTP: ASCII, the domain IDNA-encoded. ValueError if none."""
    local, at, domain = address.strip().rpartition("@")
    if not (at and local and domain and local.isascii()) or any(
        c.isspace() or c in '<>,"' for c in address.strip()
    ):
        raise ValueError("not a deliverable address")
    return f"{local}@{domain if domain.isascii() else punycode(domain)}"


def as_bytes(message: EmailMessage) -> bytes:
    """The message as it goes over SMTP (CRLF line ends, long lines encoded)."""
    return message.message(policy=SMTP).as_bytes()


def write(
    message: EmailMessage,
    *,
    kind: str,
    key: str | None = None,
    practice_id: int | None = None,
    client_id: int | None = None,
) -> Delivery:
    """Queue `message` (one recipient) under `key`: sent by the worker once committed.

    A key that exists already is the same message asked for again: nothing new is written.
    An address no server would take is recorded as failed at once, with the reason.
    """
    key = key or f"{kind}:{timezone.now():%Y%m%d%H%M%S}:{secrets.token_hex(6)}"
    message.extra_headers["Message-ID"] = message_id(key)
    message.extra_headers.setdefault("Auto-Submitted", "auto-generated")
    (to,) = message.to
    row = Delivery(
        key=key,
        kind=kind,
        practice_id=practice_id,
        client_id=client_id,
        due_at=timezone.now(),
    )
    try:
        row.recipient = envelope_address(to)
        row.message = base64.b64encode(as_bytes(message)).decode()
    except ValueError:
        row.recipient = to[:254]
        row.state, row.error = Delivery.State.FAILED, "not a deliverable address"
        row.failed_at, row.due_at = timezone.now(), None
    with transaction.atomic():
        existing = Delivery.objects.filter(key=key).first()
        if existing is not None:
            return existing
        row.save()
    return row


def email(
    template: str,
    *,
    to: str,
    language: str,
    context: dict[str, Any],
    kind: str,
    key: str | None = None,
    practice_id: int | None = None,
    client_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> Delivery:
    """One of our three-template emails (tend/lib/emails.py), written to the outbox."""
    subject, text, html = emails.render(template, language, context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=dict(headers or {}))
    message.attach_alternative(html, "text/html")
    return write(message, kind=kind, key=key, practice_id=practice_id, client_id=client_id)


def raw(row: Delivery) -> bytes:
    return base64.b64decode(row.message)


class OutboxBackend(BaseEmailBackend):
    """Django's mail API, for the web: each message becomes a row per recipient."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        written = 0
        for message in email_messages:
            for to in message.recipients():
                one = copy.copy(message)
                one.to, one.cc, one.bcc = [to], [], []
                one.extra_headers = dict(message.extra_headers)
                write(one, kind=Delivery.Kind.ACCOUNT)
                written += 1
        return written
