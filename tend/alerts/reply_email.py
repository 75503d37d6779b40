"""A practitioner's reply, emailed to the client in their own language, by the worker.

The task takes the reply's id, never its words: task arguments sit in plain JSON until the
worker prunes them, and the reply (like the sign-in link the email carries) is made or
read here, in the worker.
"""

from __future__ import annotations

from django.tasks import task

from tend.checkins.models import Reply
from tend.clients import links
from tend.notify.tasks import send_email


def send(message: Reply) -> None:
    send_reply.enqueue(message.pk)


@task
def send_reply(reply_id: int) -> None:
    message = Reply.objects.select_related("client", "practitioner").filter(pk=reply_id).first()
    if message is None:
        return  # the check-in was deleted meanwhile
    client = message.client
    context = {
        "client_name": client.name,
        "practitioner_name": message.practitioner.name,
        "body": message.body,
        "url": links.link_create(client=client),
    }
    send_email.call(
        "alerts/emails/reply", to=client.email, language=client.language, context=context
    )
