"""A child process that is started again if it dies, until asked to stop.

`tend run` keeps its worker this way: a worker killed or crashed comes back after a short
pause, and sends again what it had not recorded as sent. In production the service
manager does this (systemd's Restart=always).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Sequence


class Restarting:
    def __init__(
        self,
        command: Sequence[str],
        pause: float = 2.0,
        say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ) -> None:
        self.command = list(command)
        self.pause = pause
        self.say = say
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.process = subprocess.Popen(self.command)  # noqa: S603
        self.starts = 1
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        while True:
            code = self.process.wait()
            if self.stopping.wait(self.pause):
                return
            with self.lock:
                if self.stopping.is_set():
                    return
                self.say(f"The worker stopped (exit code {code}); starting it again.")
                self.process = subprocess.Popen(self.command)  # noqa: S603
                self.starts += 1

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to finish (SIGTERM), and don't start it again."""
        with self.lock:
            self.stopping.set()
            process = self.process
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
