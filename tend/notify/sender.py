"""The one sender: every email Tend sends leaves through here, over one reused connection.

`send` returns once the server has answered 250 for the message. Anything else is one of:

- `Deferred`: the server said "not now" (4xx): try again later;
- `Refused`: the server refused this message for good (5xx);
- `MailDown`: no server to be had, or the line dropped. If the message was on its way, its
  fate is unknown, so it goes again later with the same Message-ID (SMTP cannot tell a
  sender whether a message it lost sight of after the final dot was taken).

The connection is the worker's `smtp` mailer (settings.MAILERS), opened by Django's SMTP
backend (TLS, login) and used through smtplib's own `sendmail`.
"""

from __future__ import annotations

import contextlib
import smtplib

from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

MAILER = "smtp"


class Trouble(Exception):
    """What went wrong, in a few words fit for a log line and the delivery's record."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}".strip() if code else reason)
        self.code = code
        self.reason = reason


class Deferred(Trouble):
    pass


class Refused(Trouble):
    pass


class MailDown(Trouble):
    pass


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:150]


def _judge(code: int, reply: bytes | str) -> Trouble:
    if 400 <= code < 500:
        return Deferred(code, _text(reply))
    return Refused(code, _text(reply))


class Sender:
    def __init__(self) -> None:
        self.backend: SMTPBackend | None = None

    def open(self) -> smtplib.SMTP:
        """The connection, opened if need be (MailDown if there is no server to be had)."""
        if self.backend is None or self.backend.connection is None:
            backend = mailers[MAILER]
            if not isinstance(backend, SMTPBackend):
                raise TypeError(f"the {MAILER!r} mailer must be Django's SMTP backend")
            try:
                backend.open()
            except (smtplib.SMTPException, OSError) as exc:
                raise MailDown(0, f"cannot reach the mail server ({type(exc).__name__})") from exc
            self.backend = backend
        assert self.backend.connection is not None
        return self.backend.connection

    def send(self, sender: str, to: str, message: bytes) -> None:
        smtp = self.open()
        try:
            smtp.sendmail(sender, [to], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = min(exc.recipients.values())
            raise _judge(code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the line
                self.close()
            raise _judge(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailDown(
                0, f"the line to the mail server dropped ({type(exc).__name__})"
            ) from exc

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.backend.close()
            self.backend = None
