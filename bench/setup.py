"""What every benchmark does first: migrate a scratch database and start Django on it."""

from __future__ import annotations

import os
import subprocess
import sys


def setup_django(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "tend.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tend.settings")
    import django

    django.setup()
