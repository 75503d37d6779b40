"""The one sender: every email Tend sends leaves through here, over one reused connection.

`send` returns once the server has answered 250 for the message. Anything else is one of:

- `Deferred`: the server said "not now" (4xx): try again later;
- `Refused`: the server refused this message for good (5xx);
- `MailDown`: no server to be had, or the line dropped. If the message was on its way, its
  fate is unknown, so it goes again later with the same Message-ID (SMTP cannot tell a
  sender whether a message it lost sight of after the final dot was taken).

The connection is the worker's `smtp` mailer (settings.MAILERS), opened by Django's SMTP
backend (TLS, login) and used through smtplib one step at a time, so that the moment the
message is handed over (its final dot) can be counted (`handing`).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

MAILER = "smtp"
_DOTS = re.compile(rb"(?m)^\.")  # a line starting with a dot gets another (RFC 5321)


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
        self._handing: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext

    def _open(self) -> smtplib.SMTP:
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

    @contextlib.contextmanager
    def handing(self, counting: Callable[[], AbstractContextManager[object]]) -> Iterator[None]:
        """Within, each message handed to the server is handed inside `counting()`: its
        final dot leaves within it (or the server refuses its recipient). So a worker killed
        before the dot leaves has counted nothing, and one killed after, the message."""
        self._handing = counting
        try:
            yield
        finally:
            self._handing = contextlib.nullcontext

    def send(self, sender: str, to: str, message: bytes) -> None:
        smtp = self._open()
        try:
            smtp.ehlo_or_helo_if_needed()
            options = [f"size={len(message)}"] if smtp.has_extn("size") else []
            code, reply = smtp.mail(sender, options)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                self._reset()
                with self._handing():
                    pass  # refused, but it was put to the server
                raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            content = _DOTS.sub(b"..", message)
            content += b"" if content.endswith(b"\r\n") else b"\r\n"
            try:
                with self._handing():
                    smtp.send(content + b".\r\n")
            except BaseException:
                self._abort()  # mid-DATA or before its answer: nothing more on this line
                raise
            code, reply = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = min(exc.recipients.values())
            raise _judge(code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the line
                self.close()
            else:
                self._reset()
            raise _judge(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailDown(
                0, f"the line to the mail server dropped ({type(exc).__name__})"
            ) from exc

    def _reset(self) -> None:
        """Ready for the next message (as smtplib's sendmail does after a refusal)."""
        if self.backend is not None and self.backend.connection is not None:
            try:
                self.backend.connection.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def _abort(self) -> None:
        """Drop the line without a word (no QUIT: the server would take it as content)."""
        if self.backend is not None and self.backend.connection is not None:
            with contextlib.suppress(OSError):
                self.backend.connection.close()
            self.backend.connection = None
        self.backend = None

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.backend.close()
            self.backend = None
