"""Background tasks for emails a person sets off, run by `tend worker` (Django's Tasks API).

Enqueue instead of sending in the request, so nobody waits on the mail server:

    send_email.enqueue("clients/emails/invitation", to=..., language=..., context={...})

A task's arguments are kept as plain JSON in the database (django-tasks-db's table) until
the worker prunes the finished row (see TASKS_KEEP_* in settings). So they must never hold
a secret or sensitive text: no sign-in link or other token, no note, reply or answer. Such
an email gets a task of its own that takes ids and builds the message in the worker, as
`tend.clients.links.send_fresh_link` does, calling `send_email.call(...)` from there.
"""

from __future__ import annotations

from typing import Any

from django.tasks import task
from django.utils import translation

from tend.lib import emails


class TryLater(Exception):
    """A passing failure (the mail server is unreachable, or said "not now").

    The worker runs a task that raises this again later, backing off, a few times
    (`tend.notify.background.ATTEMPTS`) before leaving it failed.
    """


@task
def send_email(
    template: str,
    to: str,
    language: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    """Send one of our three-template emails (see tend/lib/emails.py) in `language`.

    `context` holds plain values only (strings, numbers, lists and dicts of them): a
    template's `client.name` reads `{"client": {"name": ...}}`.
    """
    with translation.override(language):
        try:
            emails.send(template, to=to, language=language, context=context, headers=headers)
        except emails.EmailNotSent as exc:
            raise TryLater(template) from exc
