"""What the kernel knows about a TCP connection: bytes written into it and bytes that came
back, counted from its start. They outlive the process that wrote them, as long as another
holds the socket (see keeper.py), so a worker that died mid-message can be judged afterwards
by what it had actually written. Linux only (TCP_INFO); elsewhere `counts` is None.
"""

from __future__ import annotations

import fcntl
import socket
import struct
import termios
from dataclasses import dataclass

# struct tcp_info (linux/tcp.h): tcpi_bytes_acked and tcpi_bytes_received, two __u64 at
# offset 120 (Linux 4.1 and later).
_COUNTERS = struct.Struct("=QQ")
_COUNTERS_AT = 120
_INFO_SIZE = 256
_INT = struct.Struct("i")


@dataclass(frozen=True)
class Counts:
    written: int  # every byte handed to the kernel, sent or still queued
    received: int  # every byte that arrived, read or not
    unread: int  # of those, still waiting to be read


def counts(sock: socket.socket) -> Counts | None:
    """The connection's counters now, or None where the kernel can't say."""
    info_option = getattr(socket, "TCP_INFO", None)
    if info_option is None:
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, info_option, _INFO_SIZE)
        if len(info) < _COUNTERS_AT + _COUNTERS.size:
            return None
        acked, received = _COUNTERS.unpack_from(info, _COUNTERS_AT)
        queued = _ioctl_int(sock, termios.TIOCOUTQ)  # written, not yet acknowledged
        unread = _ioctl_int(sock, termios.FIONREAD)
    except OSError:
        return None
    return Counts(written=acked + queued, received=received, unread=unread)


def _ioctl_int(sock: socket.socket, request: int) -> int:
    value: int = _INT.unpack(fcntl.ioctl(sock.fileno(), request, bytes(_INT.size)))[0]
    return value
