"""A text-and-HTML email as bytes for SMTP, quickly: the worker writes tens of thousands.

The standard library's email package, with its classic policy (the modern one parses and
folds every header anew, costing milliseconds a message), and quoted-printable from
binascii (in C). Django's mail classes build every other email (outbox.py).
"""

from __future__ import annotations

import binascii
import email.utils
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32


class _Policy(Compat32):
    """The classic policy with CRLF line ends, writing a header that is already one line of
    ASCII as it is (every header here is: free text is made RFC 2047 words first)."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if isinstance(value, str) and value.isascii() and "\n" not in value and "\r" not in value:
            return f"{name}: {value}\r\n".encode("ascii")
        return super().fold_binary(name, value)


# "=_" never occurs in quoted-printable text, so this boundary can't collide with a body
# (and the generator need not search each body for a free one).
BOUNDARY = "=_tend-alternative"
SMTP_LINES = _Policy(linesep="\r\n", max_line_length=998)


def _part(subtype: str, text: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(text.encode(), istext=True).decode("ascii"))
    return part


def _text_header(value: str) -> str:
    """Free text for a header: RFC 2047 words when it isn't plain ASCII."""
    value = " ".join(value.split())  # never a line break of its own
    if value.isascii() and "=?" not in value:
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def alternative(
    *, from_: str, to: str, subject: str, text: str, html: str, headers: dict[str, str]
) -> bytes:
    """multipart/alternative of `text` and `html`, with `headers` as given (one line each)."""
    message = MIMEMultipart("alternative", boundary=BOUNDARY)
    name, address = email.utils.parseaddr(from_)
    message["From"] = email.utils.formataddr((name, address), charset="utf-8")
    message["To"] = to
    message["Subject"] = _text_header(subject)
    message["Date"] = email.utils.formatdate(usegmt=True)
    for key, value in headers.items():
        if "\r" in value or "\n" in value or not value.isascii():
            raise ValueError(f"{key} must be one line of ASCII")
        message[key] = value
    message.attach(_part("plain", text))
    message.attach(_part("html", html))
    return message.as_bytes(policy=SMTP_LINES)
