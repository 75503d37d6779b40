"""The systemd examples: what each runs, as whom, from which settings, restarted always;
checked by systemd's own `systemd-analyze verify` where it is installed."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def service(name: str) -> configparser.SectionProxy:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((UNITS / name).read_text())
    return unit["Service"]


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("tend-web.service", "/opt/tend/bin/tend serve --workers 0"),
        ("tend-worker@.service", "/opt/tend/bin/tend worker"),
    ],
)
def test_each_unit_runs_tend_as_its_own_user_and_always_comes_back(name: str, command: str) -> None:
    unit = service(name)
    assert unit["ExecStart"] == command
    assert unit["EnvironmentFile"] == "/etc/tend/tend.env"
    assert unit["Restart"] == "always"
    assert unit["User"] == unit["Group"] == "tend"
    assert unit["NoNewPrivileges"] == "yes" and unit["ProtectSystem"] == "strict"
    assert unit["ReadWritePaths"] == unit["WorkingDirectory"] == "/var/lib/tend"


def test_systemd_accepts_both_units(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    bad = tmp_path / "tend-typo.service"
    bad.write_text((UNITS / "tend-web.service").read_text().replace("PrivateTmp", "PrivatTmp"))
    units = [UNITS / "tend-web.service", UNITS / "tend-worker@.service", bad]
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *map(str, units)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = [
        line
        for line in done.stderr.splitlines()
        # Tend is not installed on this machine: that much is expected.
        if "Command /opt/tend/bin/tend is not executable" not in line
    ]
    # Only the typo planted in a copy: systemd reads every other line of both.
    assert len(said) == 1 and said[0].startswith(str(bad)), said
    assert "Unknown key 'PrivatTmp' in section [Service]" in said[0]
