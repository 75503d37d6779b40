"""The follow-up email: one-tap answers, the fuller form, a quiet day, and a way out.

The worker sends tens of thousands of these, so `CheckinEmail.as_bytes()` writes the MIME
itself (the email package's generator costs milliseconds a message, mostly in header
folding): a multipart/alternative of two quoted-printable UTF-8 parts, which binascii
encodes in C. `as_message()` gives the same email as a Django message for any other mail
backend.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.utils
import functools
from dataclasses import dataclass, field
from email.header import Header

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.encoding import punycode
from django.utils.html import escape

from tend.care import plans
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, QuickAnswer
from tend.clients import email_links
from tend.lib import emails

# "=_" can't occur in quoted-printable text, so this boundary never collides with a body.
BOUNDARY = "=_tend-alternative"
CRLF = b"\r\n"


def message_id(key: str) -> str:
    """Stable per delivery key, so a resend after a crash is recognisably the same message."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{key.replace(':', '.')}@{domain or 'tend'}>"


def envelope_address(address: str) -> str:
    """An addr-spec fit for SMTP and a header: ASCII, the domain IDNA-encoded."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or not local.isascii() or not _one_token(address):
        raise ValueError(f"not a deliverable address: {address!r}")
    return f"{local}@{domain if domain.isascii() else punycode(domain)}"


def _one_token(value: str) -> bool:
    return not any(c.isspace() or c in '<>,"' for c in value.strip())


@functools.lru_cache(maxsize=4)
def sender(from_email: str) -> tuple[str, str]:
    """(From header, envelope sender) for a DEFAULT_FROM_EMAIL like "Tend <tend@host>"."""
    name, address = email.utils.parseaddr(from_email)
    address = envelope_address(address)
    return email.utils.formataddr((name, address), charset="utf-8"), address


def _header(name: str, value: str) -> bytes:
    """One header line (folded if long); free text becomes RFC 2047 words when not ASCII."""
    value = " ".join(value.split())  # never a line break of its own
    plain = value.isascii() and "=?" not in value  # text that looks encoded gets encoded
    if plain and len(name) + len(value) < 76:
        return f"{name}: {value}".encode("ascii")
    charset = "us-ascii" if plain else "utf-8"
    folded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}".encode("ascii")


def _raw_header(name: str, value: str) -> bytes:
    """A header whose value must go out exactly as given (a URL, a Message-ID)."""
    if not value.isascii() or "\r" in value or "\n" in value:
        raise ValueError(f"{name} must be one line of ASCII")
    return f"{name}: {value}".encode("ascii")


def _quoted_printable(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").encode()
    return binascii.b2a_qp(lines, istext=True).replace(b"\n", CRLF)


@dataclass(frozen=True)
class CheckinEmail:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)

    def as_bytes(self) -> bytes:
        """The whole message as it goes over SMTP (CRLF line ends, 7-bit clean)."""
        from_header, _ = sender(settings.DEFAULT_FROM_EMAIL)
        when = email.utils.format_datetime(dt.datetime.now(dt.UTC))
        lines = [
            _raw_header("From", from_header),
            _raw_header("To", envelope_address(self.to)),
            _header("Subject", self.subject),
            _raw_header("Date", when),
            *(_raw_header(name, value) for name, value in self.headers.items()),
            b"MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"'.encode(),
            b"",
            b"--" + BOUNDARY.encode(),
            *_part("plain", self.text),
            b"--" + BOUNDARY.encode(),
            *_part("html", self.html),
            b"--" + BOUNDARY.encode() + b"--",
            b"",
        ]
        return CRLF.join(lines)

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject, self.text, to=[self.to], headers=self.headers
        )
        message.attach_alternative(self.html, "text/html")
        return message


def _part(subtype: str, text: str) -> list[bytes]:
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"'.encode(),
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        _quoted_printable(text),
    ]


# Stand-ins for what differs per message, so the templates render once per language and kind.
_SLOTS = ("client", "practitioner", "guidance", "more", "quiet", "stop", *QuickAnswer.values)


def _slot(name: str) -> str:
    return f"TENDSLOT{name.upper()}X"


@functools.lru_cache(maxsize=32)
def _skeleton(language: str, reminder: bool, with_guidance: bool) -> tuple[str, str, str]:
    """Subject, text and HTML with a stand-in for every per-message value."""
    with translation.override(language):
        answers = [
            {"label": str(label), "url": _slot(value)} for value, label in QuickAnswer.choices
        ]
    return emails.render(
        "notify/emails/checkin",
        language,
        {
            "client": {"name": _slot("client")},
            "practitioner": {"name": _slot("practitioner")},
            "reminder": reminder,
            "guidance": _slot("guidance") if with_guidance else "",
            "answers": answers,
            "more_url": _slot("more"),
            "quiet_url": _slot("quiet"),
            "stop_url": _slot("stop"),
        },
    )


def _fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace(_slot(name), value)
    return template


def build(checkin: CheckIn, *, key: str, reminder: bool = False) -> CheckinEmail:
    client = checkin.client
    language = client.language
    guidance = ""
    if checkin.sequence == 1 and checkin.session is not None and not reminder:
        guidance = plans.guidance_for(checkin.session, language)
    stop_url = email_links.url(client.pk, email_links.STOP)
    values = {
        "client": client.name,
        "practitioner": client.practitioner.name,
        "guidance": guidance,
        "more": answer_links.answer_url(checkin.pk, answer_links.MORE),
        "quiet": email_links.url(client.pk, email_links.QUIET_DAY),
        "stop": stop_url,
        **{value: answer_links.answer_url(checkin.pk, value) for value in QuickAnswer.values},
    }
    subject, text, html = _skeleton(language, reminder, bool(guidance))
    escaped: dict[str, str] = {name: str(escape(value)) for name, value in values.items()}
    escaped["guidance"] = linebreaksbr(guidance, autoescape=True)
    headers = {
        "Message-ID": message_id(key),
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return CheckinEmail(
        client.email, _fill(subject, values), _fill(text, values), _fill(html, escaped), headers
    )
