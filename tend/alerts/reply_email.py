"""A practitioner's reply, emailed to the client in their own language.

Written to the outbox in the reply's own transaction (its words and the sign-in link it
carries are encrypted there until sent); the worker sends it.
"""

from __future__ import annotations

from tend.checkins.models import Reply
from tend.clients import links
from tend.notify import outbox
from tend.notify.models import Delivery


def send(message: Reply) -> None:
    client = message.client
    context = {
        "client_name": client.name,
        "practitioner_name": message.practitioner.name,
        "body": message.body,
        "url": links.link_create(client=client),
    }
    outbox.email(
        "alerts/emails/reply",
        to=client.email,
        language=client.language,
        context=context,
        kind=Delivery.Kind.REPLY,
        key=f"reply:{message.pk}",
        practice_id=client.practice_id,
        client_id=client.pk,
    )
