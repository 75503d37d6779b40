"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import contextlib
import email
import email.policy
import ipaddress
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0  # where it listens, once served
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    @staticmethod
    def html(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())

    def links(self, message: EmailMessage) -> list[str]:
        return re.findall(r"https?://\S+", self.text(message))


def start[I: Inbox](
    inbox: I | None = None, tls: ssl.SSLContext | None = None
) -> tuple[Controller, I, int]:
    """A real SMTP server on loopback keeping what it receives in `inbox` (a new one if not
    given); with `tls` it insists on STARTTLS."""
    box: I = inbox if inbox is not None else Inbox()  # type: ignore[assignment]
    port = box.port = free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=tls is not None
    )
    controller.start()
    return controller, box, port


@dataclass
class Answering(Inbox):
    """Takes every message, then answers its end with the next of `answers` ("250 OK" once
    they run out); "drop" hangs up instead of answering."""

    answers: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = self.answers.pop(0) if self.answers else "250 OK"
        if answer.startswith("5") or answer.startswith("4"):
            return answer  # not taken
        await super().handle_DATA(server, session, envelope)
        if answer == "drop":
            server.transport.abort()
        return "250 OK"


@dataclass
class Refusing(Inbox):
    """Answers RCPT TO for an address starting with one of `answers`' keys with its answer
    (a key of "" matches every address); takes the rest."""

    answers: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        for start, answer in self.answers.items():
            if address.startswith(start):
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextlib.contextmanager
def serving[I: Inbox](inbox: I, settings: Any, tls: ssl.SSLContext | None = None) -> Iterator[I]:
    """`inbox` behind a real SMTP server on loopback, and the worker's mailer pointed at it.
    With `tls` the server insists on STARTTLS, and the mailer uses it."""
    controller, inbox, port = start(inbox, tls)
    options = {"host": "127.0.0.1", "port": port, "timeout": 5, "use_tls": tls is not None}
    settings.MAILERS = {
        **settings.MAILERS,
        "smtp": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options},
    }
    try:
        yield inbox
    finally:
        controller.stop()


def self_signed(directory: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 (the file a client must trust: SSL_CERT_FILE) and a
    server context that presents it."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context
