"""The line keeper: a small process that holds a second handle on each worker's SMTP
connection, so that a worker's death does not end it.

Why. A mail server takes a message when the message's final dot reaches it, and says so a
moment later; a worker killed in between leaves a message the server has and no record of
it, and SMTP gives no way to ask afterwards (RFC 1047). Normally the socket dies with the
worker and the question can never be answered. Here it doesn't: the keeper has the socket
too, and hands it, with the worker's last note ("the dot of check-in 42 ends at byte N"),
to the next worker, which reads the kernel's count of bytes written (wire.py) and, over a
plain connection, the server's answer still waiting in it. See dispatch.recover().

What it is. Standard library only, one per database (an abstract Unix socket on Linux,
reachable by the same user alone), started by the first worker that needs it and gone once
no worker has needed it for KEEPER_IDLE_SECONDS. Messages are JSON over SOCK_SEQPACKET; a
socket travels as SCM_RIGHTS. It never reads from or writes to the SMTP connections.

- hello {worker}; line {line} + socket; note {line, note}; drop {line}; bye
- orphans -> orphan {key, worker, note} + socket, ..., end; settled {key}

When a worker's link closes without "bye", its lines with a note become orphans, lent to
whichever worker asks next and closed once it says "settled" (if that worker dies too, they
are lent again). Lines without a note are closed at once: nothing on them had reached its
end. An orphan nobody asks for within ORPHAN_SECONDS is closed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import selectors
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
IDLE_SECONDS = float(os.environ.get("TEND_KEEPER_IDLE_SECONDS", "60"))
ORPHAN_SECONDS = float(os.environ.get("TEND_KEEPER_ORPHAN_SECONDS", "3600"))
LINK_TIMEOUT = 2.0
SPAWN_WAIT = 3.0


def address_for(identity: str) -> str:
    """Where the keeper for this database listens: "@name" (Linux's abstract namespace,
    nothing on disk) or a path in the temp directory elsewhere."""
    digest = hashlib.sha256(f"{os.getuid()}:{identity}".encode()).hexdigest()[:20]
    if sys.platform == "linux":
        return f"@tend-keeper-{digest}"
    return os.path.join(tempfile.gettempdir(), f"tend-keeper-{digest}.sock")


def _sockaddr(address: str) -> str:
    return "\0" + address[1:] if address.startswith("@") else address


# -- the worker's side ---------------------------------------------------------------------


@dataclass
class Orphan:
    key: str
    worker: str
    note: dict[str, Any]
    sock: socket.socket


class Link:
    """A worker's connection to the keeper. Once the keeper is unreachable every call does
    nothing (`alive` is False): the worker goes on, without the keeper's cover."""

    def __init__(self, sock: socket.socket, worker: str) -> None:
        self.sock = sock
        self.alive = True
        self._say({"op": "hello", "worker": worker})

    @classmethod
    def reach(cls, address: str, worker: str, *, spawn: bool = True) -> Link | None:
        """Connect to the keeper at `address`, starting one if none is there."""
        sock = _connect(address)
        if sock is None and spawn:
            _spawn(address)
            deadline = time.monotonic() + SPAWN_WAIT
            while sock is None and time.monotonic() < deadline:
                time.sleep(0.02)
                sock = _connect(address)
        if sock is None:
            log.warning("line keeper unreachable at %s; sending without it", address)
            return None
        link = cls(sock, worker)
        return link if link.alive else None

    def hold(self, line: str, conn: socket.socket) -> None:
        self._say({"op": "line", "line": line}, conn.fileno())

    def note(self, line: str, note: dict[str, Any]) -> None:
        self._say({"op": "note", "line": line, "note": note})

    def drop(self, line: str) -> None:
        self._say({"op": "drop", "line": line})

    def settled(self, key: str) -> None:
        self._say({"op": "settled", "key": key})

    def orphans(self) -> list[Orphan]:
        """Lines left by workers that died, lent to this one until it says `settled`."""
        if not self._say({"op": "orphans"}):
            return []
        found = []
        try:
            while True:
                message, fds = _receive(self.sock)
                if message is None or message.get("op") == "end":
                    break
                conn = socket.socket(fileno=fds[0]) if fds else None
                if conn is not None:
                    found.append(Orphan(message["key"], message["worker"], message["note"], conn))
        except (OSError, ValueError, KeyError):
            self._lost()
        return found

    def close(self) -> None:
        if self.alive:
            self._say({"op": "bye"})
        with contextlib.suppress(OSError):
            self.sock.close()
        self.alive = False

    def _say(self, message: dict[str, Any], fd: int | None = None) -> bool:
        if not self.alive:
            return False
        try:
            data = json.dumps(message).encode()
            if fd is None:
                self.sock.send(data)
            else:
                socket.send_fds(self.sock, [data], [fd])
        except OSError:
            self._lost()
            return False
        return True

    def _lost(self) -> None:
        log.warning("lost the line keeper; sending without it")
        self.alive = False
        with contextlib.suppress(OSError):
            self.sock.close()


def _connect(address: str) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.settimeout(LINK_TIMEOUT)
    try:
        sock.connect(_sockaddr(address))
    except OSError:
        sock.close()
        return None
    return sock


def _spawn(address: str) -> None:
    """Start a keeper in its own session, so that stopping the worker's group leaves it."""
    with contextlib.suppress(OSError):
        subprocess.Popen(  # noqa: S603 (our own module, no shell)
            [sys.executable, "-m", "tend.notify.keeper", address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )


def _receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 1)
    if not data:
        for fd in fds:
            os.close(fd)
        return None, []
    message = json.loads(data)
    if not isinstance(message, dict):
        raise ValueError("not a message")
    return message, list(fds)


# -- the keeper's side ---------------------------------------------------------------------


@dataclass
class _Held:
    sock: socket.socket
    note: dict[str, Any] | None = None
    since: float = field(default_factory=time.monotonic)


@dataclass
class _Worker:
    name: str = ""
    lines: dict[str, _Held] = field(default_factory=dict)
    borrowed: set[str] = field(default_factory=set)


class Keeper:
    def __init__(self, address: str) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(_sockaddr(address))  # fails if another keeper is there: fine
        self.listener.listen(64)
        self.path = None if address.startswith("@") else address
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.workers: dict[socket.socket, _Worker] = {}
        self.orphans: dict[str, tuple[str, _Held]] = {}  # key -> (worker name, line)
        self.lent: set[str] = set()
        self.idle_since = time.monotonic()

    def run(self) -> None:
        try:
            while not self._idle_long_enough():
                for key, _ in self.selector.select(timeout=1.0):
                    if key.fileobj is self.listener:
                        self._accept()
                    else:
                        self._serve(key.fileobj)  # type: ignore[arg-type]
                self._expire_orphans()
        finally:
            self.listener.close()
            if self.path:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)

    def _idle_long_enough(self) -> bool:
        if self.workers or self.orphans:
            self.idle_since = time.monotonic()
            return False
        return time.monotonic() - self.idle_since > IDLE_SECONDS

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        if not _same_user(conn):
            conn.close()
            return
        conn.setblocking(True)
        self.workers[conn] = _Worker()
        self.selector.register(conn, selectors.EVENT_READ)

    def _serve(self, conn: socket.socket) -> None:
        worker = self.workers[conn]
        try:
            message, fds = _receive(conn)
        except (OSError, ValueError):
            message, fds = None, []
        if message is None:
            self._gone(conn, clean=False)
            return
        op = message.get("op")
        line = str(message.get("line", ""))
        if op == "hello":
            worker.name = str(message.get("worker", ""))
        elif op == "line" and fds:
            self._close(worker.lines.pop(line, None))
            worker.lines[line] = _Held(socket.socket(fileno=fds[0]))
        elif op == "note" and line in worker.lines:
            worker.lines[line].note = message.get("note")
        elif op == "drop":
            self._close(worker.lines.pop(line, None))
        elif op == "orphans":
            self._lend(conn, worker)
        elif op == "settled":
            key = str(message.get("key", ""))
            worker.borrowed.discard(key)
            self.lent.discard(key)
            _, held = self.orphans.pop(key, ("", None))
            self._close(held)
        elif op == "bye":
            self._gone(conn, clean=True)
        else:
            for fd in fds:
                os.close(fd)

    def _lend(self, conn: socket.socket, worker: _Worker) -> None:
        for key, (name, held) in list(self.orphans.items()):
            if key in self.lent:
                continue
            message = {"op": "orphan", "key": key, "worker": name, "note": held.note}
            try:
                socket.send_fds(conn, [json.dumps(message).encode()], [held.sock.fileno()])
            except OSError:
                return
            self.lent.add(key)
            worker.borrowed.add(key)
        with contextlib.suppress(OSError):
            conn.send(b'{"op": "end"}')

    def _gone(self, conn: socket.socket, *, clean: bool) -> None:
        worker = self.workers.pop(conn)
        self.selector.unregister(conn)
        conn.close()
        self.lent -= worker.borrowed  # what it borrowed and never settled goes out again
        for line, held in worker.lines.items():
            if clean or held.note is None:
                self._close(held)
            else:
                held.since = time.monotonic()
                self.orphans[f"{worker.name}/{line}"] = (worker.name, held)

    def _expire_orphans(self) -> None:
        now = time.monotonic()
        for key, (_, held) in list(self.orphans.items()):
            if key not in self.lent and now - held.since > ORPHAN_SECONDS:
                del self.orphans[key]
                self._close(held)

    @staticmethod
    def _close(held: _Held | None) -> None:
        if held is not None:
            with contextlib.suppress(OSError):
                held.sock.close()


def _same_user(conn: socket.socket) -> bool:
    """Only this user's processes may hand over or borrow connections."""
    peercred = getattr(socket, "SO_PEERCRED", None)
    if peercred is None:
        return True  # a path socket in a per-user temp dir: the file's mode guards it
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, peercred, 12))
    return bool(uid == os.getuid())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tend.notify.keeper ADDRESS", file=sys.stderr)
        return 2
    try:
        keeper = Keeper(argv[0])
    except OSError:
        return 0  # another keeper is already there
    keeper.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
