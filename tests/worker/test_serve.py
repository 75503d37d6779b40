"""`tend serve`: the production server, as a service manager runs it: a real subprocess on
a free port, with production settings and its own SQLite database, stopped by SIGTERM.

It takes as long as the safety screen's models take to train (they are trained once,
before gunicorn forks its web processes): half a minute or more on a busy machine.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.smtp import free_port

pytestmark = pytest.mark.slow
STATIC = Path(__file__).resolve().parents[2] / "tend" / "static"
STARTUP_SECONDS = 180


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def healthy(self) -> Served:
        """Once /health/ answers 200 (its database answers, its worker has beaten)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.get("/health/")[0] == 200:
                    return self
            except OSError:
                pass  # not listening yet: the models are still training
            time.sleep(0.5)
        raise AssertionError(f"tend serve never became healthy:\n{self.log.read_text()[-3000:]}")


def descendants(pid: int) -> dict[int, str]:
    """Every process below pid, with its command line (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = cmdline(child)
                frontier.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        **os.environ,
        "TEND_DATABASE_URL": f"sqlite:///{tmp / 'tend.sqlite3'}",
        "TEND_DATA_DIR": str(tmp),
        "TEND_SECRET_KEY": "serve-test-secret-key-" + "x" * 40,
        "TEND_DEBUG": "0",
        "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TEND_ALLOWED_HOSTS": "127.0.0.1",
        "TEND_EMAIL_PORT": str(free_port()),  # nothing is sent: no mail server is needed
        "TEND_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp / "serve.log"
    command = [sys.executable, "-m", "tend.cli", "serve", "--addr", f"127.0.0.1:{port}"]
    command += ["--web", "2", "--workers", "1"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, cwd=tmp)  # noqa: S603
    try:
        yield Served(process, port, log).healthy()
    finally:
        if process.poll() is None:
            for pid in descendants(process.pid):
                os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait()


def test_it_prints_its_address_and_is_healthy_once_its_worker_has_beaten(served: Served) -> None:
    status, _headers, body = served.get("/health/")
    assert status == 200
    assert json.loads(body) == {"database": "ok", "worker": "ok"}
    log = served.log.read_text()
    assert f"Tend is at http://127.0.0.1:{served.port}/ (2 web processes, 1 worker)." in log


def test_the_sign_in_page_renders_with_its_stylesheet(served: Served) -> None:
    status, headers, body = served.get("/login/")
    page = body.decode()
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "Sign in" in page
    assert re.search(r'href="/static/tend/tend\.css\?v=\w+"', page)


def test_static_files_are_served_to_be_kept_and_change_their_link_when_they_change(
    served: Served,
) -> None:
    icon = (STATIC / "tend" / "favicon.svg").read_bytes()
    _status, _headers, body = served.get("/login/")
    [link] = re.findall(r'<link rel="icon" href="([^"]+)"', body.decode())
    assert link == f"/static/tend/favicon.svg?v={hashlib.sha256(icon).hexdigest()[:12]}"

    status, headers, served_icon = served.get(link)

    assert status == 200
    assert served_icon == icon
    assert headers["Content-Type"] == "image/svg+xml"
    assert headers["Cache-Control"] == "max-age=31536000, public"
    assert "ETag" in headers


def test_sigterm_stops_the_web_processes_and_the_worker_and_exits_0(served: Served) -> None:
    children = descendants(served.process.pid)
    web = [pid for pid, line in children.items() if "gunicorn" in line]
    workers = [pid for pid, line in children.items() if "tend.cli worker" in line]
    assert (len(web), len(workers)) == (3, 1), children  # gunicorn's master and two

    served.process.send_signal(signal.SIGTERM)

    assert served.process.wait(timeout=60) == 0
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [cmdline(pid) for pid in children if alive(pid)] == []
    assert "Worker" in served.log.read_text() and "stopped." in served.log.read_text()
