"""A worker that kills itself (SIGKILL) at one chosen moment of its first message.

`python -m tests.notify.die_at MOMENT`, with the environment of `tend worker` (database,
mail server). It reaches the keeper as `tend worker` does, claims what is due and sends;
at MOMENT it dies as a worker killed from outside would, leaving its line to the keeper:

- before-end: the keeper has its note, the message's end is not written;
- before-commit: the end is written, the record of it not committed;
- before-answer: the record committed, the server's answer not read;
- before-taking-answer: the answer read and acted on, still on the line;
- after-taking-answer: the answer taken off the line, nothing more written.
"""

from __future__ import annotations

import os
import signal
import smtplib
import sys
from typing import Any

MOMENTS = (
    "before-end",
    "before-commit",
    "before-answer",
    "before-taking-answer",
    "after-taking-answer",
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(moment: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tend.settings")
    import django

    django.setup()

    from tend.notify import dispatch, keeper, recovery

    if moment == "before-end":
        note = dispatch.Dispatcher._note

        def note_then_die(self: Any, *args: Any) -> None:
            note(self, *args)
            die()

        dispatch.Dispatcher._note = note_then_die  # type: ignore[method-assign]
    elif moment == "before-commit":
        send = smtplib.SMTP.send

        def send_then_die(self: smtplib.SMTP, data: Any) -> None:
            send(self, data)
            if data == b".\r\n":
                die()

        smtplib.SMTP.send = send_then_die  # type: ignore[method-assign]
    elif moment == "before-answer":
        dispatch._peek_answer = lambda sock: die()  # type: ignore[assignment,func-returns-value]
    elif moment == "before-taking-answer":
        dispatch._take = lambda sock, size: die()  # type: ignore[assignment,func-returns-value]
    elif moment == "after-taking-answer":
        take = dispatch._take

        def take_then_die(sock: Any, size: int) -> None:
            take(sock, size)
            die()

        dispatch._take = take_then_die
    else:
        raise SystemExit(f"no such moment: {moment}")

    worker = f"die-at-{moment}:{os.getpid()}"
    link = keeper.Link.reach(keeper.address_for(recovery.identity()), worker)
    assert link is not None, "no keeper"
    dispatcher = dispatch.Dispatcher(worker, keeper=link)
    dispatcher.send_due()
    raise SystemExit("lived")


if __name__ == "__main__":
    main(sys.argv[1])
