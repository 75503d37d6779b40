"""What Tend says when it is started with settings it can't use: one plain sentence, no
traceback, before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tend.lib import crypto


def start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    return subprocess.run(
        [sys.executable, "-c", "import tend.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_secret_key_is_named(value: str) -> None:
    done = start(TEND_SECRET_KEY=value)
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "TEND_SECRET_KEY is empty: set it to a long random string (see README)."
    )


def test_production_without_a_secret_key_is_refused() -> None:
    done = start(TEND_DEBUG="0")
    assert done.returncode != 0
    assert done.stderr.strip() == "TEND_SECRET_KEY must be set when TEND_DEBUG is off."


def test_production_without_the_notes_own_key_is_refused() -> None:
    done = start(TEND_SECRET_KEY="a-long-random-string-" + "x" * 40)  # a secret: debug is off
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "TEND_ENCRYPTION_KEYS must be set when TEND_DEBUG is off: the notes' own key, apart "
        "from TEND_SECRET_KEY (see README)."
    )


def test_a_secret_key_and_the_notes_own_key_start() -> None:
    done = start(
        TEND_SECRET_KEY="a-long-random-string-" + "x" * 40,
        TEND_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    assert done.returncode == 0, done.stderr


def test_text_written_with_the_derived_key_is_read_once_a_key_is_set() -> None:
    """An installation that ran before the key was required keeps its notes."""
    secret = "a-long-random-string-" + "x" * 40
    token = crypto.encrypt("Slept better.", (crypto.derive_key(secret).decode(),))
    check = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tend.settings'; "
        "django.setup(); from tend.lib import crypto, fields; "
        f"print(crypto.decrypt({token!r}, fields.current_keys()))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", check],
        env={
            **clean,
            "TEND_SECRET_KEY": secret,
            "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "Slept better.", done.stderr


def mail_tls(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tend.settings as s; print(s.MAILERS['smtp']['OPTIONS']['use_tls'])",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_emails_to_a_relay_elsewhere_go_over_tls_unless_told_otherwise() -> None:
    """Sign-in and reset links travel in Tend's emails: never in plain across a network."""
    assert mail_tls(TEND_EMAIL_HOST="smtp.example.com") == "True"
    assert mail_tls(TEND_EMAIL_HOST="smtp.example.com", TEND_EMAIL_TLS="false") == "False"
    assert mail_tls() == "False"  # the dev sink on this machine
    assert mail_tls(TEND_EMAIL_HOST="localhost", TEND_EMAIL_TLS="true") == "True"
