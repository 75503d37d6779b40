"""Run the `tend` command with its clock moved to a given moment, ticking on from there.

    python -m tests.alerts.worker_at 2026-11-23T09:31:00+00:00 worker --drain

Tests use it to run a real worker "half an hour later" without waiting half an hour.
"""

from __future__ import annotations

import datetime as dt
import sys

import time_machine

from tend import cli


def main() -> None:
    moment = dt.datetime.fromisoformat(sys.argv[1])
    sys.argv = ["tend", *sys.argv[2:]]
    with time_machine.travel(moment, tick=True):
        cli.main()


if __name__ == "__main__":
    main()
