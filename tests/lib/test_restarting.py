"""A child that dies is started again; one asked to stop is not."""

from __future__ import annotations

import signal
import sys
import time

from tend.lib.restarting import Restarting

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def wait_until(condition: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_a_child_that_is_killed_comes_back_and_one_asked_to_stop_does_not() -> None:
    said: list[str] = []
    child = Restarting(SLEEPER, pause=0.1, say=said.append)
    first = child.process
    try:
        first.send_signal(signal.SIGKILL)
        assert wait_until(lambda: child.process is not first and child.process.poll() is None)
        assert child.starts == 2
        assert said == ["The worker stopped (exit code -9); starting it again."]
    finally:
        child.stop()

    last = child.process
    assert last.poll() is not None  # stopped
    time.sleep(0.3)
    assert child.process is last  # and not started again
    assert child.starts == 2
