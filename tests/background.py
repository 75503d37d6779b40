"""Background tasks in tests: what `tend worker` does between its rounds, here in-process."""

from __future__ import annotations

from tend.notify.background import TaskRunner


def run_tasks() -> None:
    runner = TaskRunner("test")
    while runner.step():
        pass
