"""What Tend says when it is started with settings it can't use: one plain sentence, no
traceback, before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


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


def test_a_real_secret_key_starts() -> None:
    done = start(TEND_SECRET_KEY="a-long-random-string-" + "x" * 40, TEND_DEBUG="0")
    assert done.returncode == 0, done.stderr
