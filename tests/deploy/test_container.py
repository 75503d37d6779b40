"""The container, as far as it can be tried on a machine without Docker: its entry script
really run, and the Dockerfile naming the user, lock file and script that exist. (The image
itself is not built by the tests.)"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "deploy" / "entrypoint.sh"
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PASSWORD = "lanterns-by-the-river-27"
SIGN_IN = (
    "from django.contrib.auth import authenticate; from django.test import RequestFactory; "
    "signing_in = RequestFactory().post('/login/'); "
    f"sam = authenticate(signing_in, email='sam@example.com', password='{PASSWORD}'); "
    "print('signed in as', sam.name, 'of', sam.practice.name, 'as', sam.role)"
)


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    """The image's environment, on a SQLite database in tmp_path."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    base.update(
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        TEND_DATA_DIR=str(tmp_path),
        TEND_DATABASE_URL=f"sqlite:///{tmp_path / 'tend.sqlite3'}",
        **env,
    )
    return base


def start(tmp_path: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The container's start: the entry script with the image's environment."""
    return subprocess.run(  # noqa: S603
        [str(ENTRY), *command],
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


FIRST_ADMIN = {
    "TEND_PRACTICE_NAME": "Riverside Therapy",
    "TEND_ADMIN_NAME": "Sam Lee",
    "TEND_ADMIN_EMAIL": "sam@example.com",
    "TEND_ADMIN_PASSWORD": PASSWORD,
}


def people(tmp_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(tmp_path / "tend.sqlite3") as db:
        rows = db.execute(
            "SELECT email, name, password FROM practices_practitioner ORDER BY id"
        ).fetchall()
    db.close()
    return rows


@pytest.mark.slow
def test_the_first_start_migrates_creates_the_admin_and_runs_the_command(tmp_path: Path) -> None:
    first = start(tmp_path, "tend", "shell", "-c", SIGN_IN, **FIRST_ADMIN)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Created Riverside Therapy; sign in as sam@example.com." in first.stdout
    # The command it ran is the last thing, and the admin can sign in there.
    assert first.stdout.rstrip().endswith("signed in as Sam Lee of Riverside Therapy as admin")
    before = people(tmp_path)
    assert [(email, name) for email, name, _ in before] == [("sam@example.com", "Sam Lee")]

    second = start(tmp_path, "tend", "shell", "-c", SIGN_IN, **FIRST_ADMIN)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "sam@example.com is already here; nothing to create." in second.stdout
    assert "No migrations to apply." in second.stdout
    assert people(tmp_path) == before  # not even the password hash changed
    assert second.stdout.rstrip().endswith("signed in as Sam Lee of Riverside Therapy as admin")


@pytest.mark.slow
def test_a_half_set_first_admin_stops_before_the_command_and_none_is_fine(tmp_path: Path) -> None:
    half = start(tmp_path, "sh", "-c", "echo serving", TEND_ADMIN_EMAIL="sam@example.com")
    assert half.returncode != 0
    assert "also set TEND_PRACTICE_NAME, TEND_ADMIN_NAME, TEND_ADMIN_PASSWORD" in half.stderr
    assert "Traceback" not in half.stderr
    assert "serving" not in half.stdout

    none = start(tmp_path, "sh", "-c", "echo serving")
    assert none.returncode == 0, none.stderr
    assert "No first practice in the environment" in none.stdout
    assert none.stdout.rstrip().endswith("serving")
    assert people(tmp_path) == []


def instructions(name: str) -> list[str]:
    """The arguments of every NAME instruction in the final stage of the Dockerfile."""
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    return re.findall(rf"^{name} (.+)$", final, re.MULTILINE)


def test_the_image_is_slim_and_runs_as_its_own_user() -> None:
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == [
        "python:3.13-slim",
        "python:3.13-slim",
    ]
    (user,) = instructions("USER")
    assert user != "root"
    assert (
        f"useradd --system --uid 10001 --gid tend --home-dir /var/lib/tend --create-home {user}"
        in (DOCKERFILE)
    )


def test_the_image_installs_the_runtime_lock_with_hashes_and_compiles_translations() -> None:
    assert "COPY requirements-prod.lock /tmp/requirements-prod.lock" in DOCKERFILE
    assert "pip install --require-hashes --only-binary=:all: -r /tmp/requirements-prod.lock" in (
        DOCKERFILE
    )
    assert (ROOT / "requirements-prod.lock").is_file()
    assert "compilemessages" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "**/*.mo" in ignored  # compiled in the image, never copied in


def test_the_image_starts_with_the_entry_script_that_is_here() -> None:
    assert "COPY deploy/entrypoint.sh /usr/local/bin/tend-entrypoint" in DOCKERFILE
    assert instructions("ENTRYPOINT") == ['["tend-entrypoint"]']
    assert instructions("CMD") == ['["tend", "serve", "--addr", "0.0.0.0:8000"]']
    assert os.access(ENTRY, os.X_OK)
    # What the Dockerfile copies from the build context, .dockerignore lets in.
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    copied = {
        src for src in re.findall(r"^COPY (\S+) ", DOCKERFILE, re.MULTILINE) if "=" not in src
    }
    assert copied <= allowed, copied - allowed
    assert all((ROOT / path).exists() for path in copied)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+) \\$", text, re.MULTILINE))


def test_the_image_gets_exactly_the_tested_versions_and_no_test_tools() -> None:
    runtime, everything = pins("requirements-prod.lock"), pins("requirements.lock")
    assert runtime, "requirements-prod.lock pins nothing"
    differ = {
        name: (v, everything.get(name)) for name, v in runtime.items() if everything.get(name) != v
    }
    assert not differ, f"pinned differently from requirements.lock (run `make lock`): {differ}"
    for tool in ("pytest", "playwright", "mypy", "ruff", "hypothesis", "pyyaml", "django-stubs"):
        assert tool not in runtime
    for dependency in ("django", "gunicorn", "psycopg", "cryptography", "whitenoise"):
        assert dependency in runtime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


SERVER = ["tend", "serve"]


@pytest.mark.slow
def test_the_container_serves_a_practice_its_first_admin_signs_into(tmp_path: Path) -> None:
    """The whole start, as the image runs it (the command compose.yaml gives, on another
    port): migrate, create the admin, serve with a worker beside; healthy; Sam signs in."""
    has_serve = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "tend"), "help", SERVER[1]],
        capture_output=True,
        timeout=60,
    )
    if has_serve.returncode != 0:
        pytest.skip(f"`tend {SERVER[1]}` is not in this branch yet")
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    env = {**FIRST_ADMIN, "TEND_SITE_URL": site}
    server = subprocess.Popen(  # noqa: S603
        [str(ENTRY), *SERVER, "--addr", f"127.0.0.1:{port}"],
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        health = 0
        while health != 200:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(1)
            try:
                health = urllib.request.urlopen(f"{site}/health/", timeout=5).status  # noqa: S310
            except (urllib.error.URLError, ConnectionError):
                health = 0
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = browser.open(f"{site}/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token, form
        answer = browser.open(
            f"{site}/login/",
            urllib.parse.urlencode(
                {
                    "username": "sam@example.com",
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token[1],
                }
            ).encode(),
            timeout=30,
        )
        page = answer.read().decode()
        assert answer.url == f"{site}/", answer.url  # signed in: Needs you now
        assert "Sign out" in page and "Practice settings" in page  # as the practice's admin
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
