"""The worker in tests: `tend worker`'s rounds, here in-process, until nothing is left."""

from __future__ import annotations

from tend.worker.loop import Loop


def run_worker(name: str = "test") -> None:
    Loop(name).run(until_idle=True)
