"""A practitioner's reply, emailed to the client in their own language."""

from __future__ import annotations

import logging

from tend.checkins.models import Reply
from tend.clients import links
from tend.lib import emails

log = logging.getLogger(__name__)


def send(message: Reply) -> None:
    client = message.client
    context = {
        "client_name": client.name,
        "practitioner_name": message.practitioner.name,
        "body": message.body,
        "url": links.link_create(client=client),
    }
    try:
        emails.send(
            "alerts/emails/reply", to=client.email, language=client.language, context=context
        )
    except emails.EmailNotSent:
        # The reply is saved and waiting in their space either way.
        log.warning("reply %s saved but not emailed", message.pk)
