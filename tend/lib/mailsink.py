"""A development mail server on loopback that prints every message it receives."""

from __future__ import annotations

import email
import email.policy
import socket
from typing import Any

from aiosmtpd.controller import Controller


class PrintingHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        print(
            f"\n── email to {', '.join(envelope.rcpt_tos)} ──\n"
            f"Subject: {message['Subject']}\n\n{text.strip()}\n──\n",
            flush=True,
        )
        return "250 OK"


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def start(host: str, port: int) -> Controller | None:
    if port_in_use(host, port):
        return None
    controller = Controller(PrintingHandler(), hostname=host, port=port)
    controller.start()
    return controller
