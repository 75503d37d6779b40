"""`tend serve`: gunicorn serving Tend, with `tend worker` processes beside it, until
SIGTERM or Ctrl+C stops them all.

Gunicorn runs as a child process (its settings: tend/worker/gunicorn_conf.py), so that its
master reaps only its own web processes; the workers are kept by `Restarting`, as `tend
run` keeps its one. If gunicorn stops on its own (the address is taken, say), the workers
are stopped too and `tend serve` exits with gunicorn's code, for the service manager to
start it again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from types import FrameType

from tend.lib.env import env_int, env_str
from tend.lib.restarting import Restarting

MAX_WEB_PROCESSES = 8


def default_addr() -> str:
    return env_str("TEND_ADDR", "127.0.0.1:8000")


def default_web_processes() -> int:
    """TEND_WEB_PROCESSES, else 2 per core plus one, at most MAX_WEB_PROCESSES: enough
    to keep every core busy while some processes wait on the database. More gain nothing:
    under bench/load.py on 2 cores, 12 processes served as many requests as 5."""
    cores = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return env_int("TEND_WEB_PROCESSES", min(2 * cores + 1, MAX_WEB_PROCESSES))


def default_workers() -> int:
    return env_int("TEND_WORKERS", 1)


def gunicorn_command(addr: str, web: int) -> list[str]:
    return [
        *(sys.executable, "-m", "gunicorn", "--config", "python:tend.worker.gunicorn_conf"),
        *("--bind", addr, "--workers", str(web)),
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "tend.cli", "worker"]


def serve(addr: str, web: int, workers: int, say: Callable[[str], None]) -> int:
    """Run until SIGTERM or SIGINT (then 0), or until gunicorn exits (then its code)."""
    asked = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        asked.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = subprocess.Popen(gunicorn_command(addr, web))  # noqa: S603
    keepers = [Restarting(worker_command(), say=say) for _ in range(workers)]
    try:
        while not asked.is_set() and server.poll() is None:
            asked.wait(0.5)
    finally:
        if server.poll() is None:
            server.terminate()  # gunicorn's graceful stop: requests in hand finish
        for keeper in keepers:
            keeper.stop()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if asked.is_set():
        return 0
    say(f"The web server stopped (exit code {server.returncode}); stopping the workers too.")
    return server.returncode or 1
