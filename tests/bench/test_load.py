"""The load benchmark's people and its report, without the minute under load."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import load
from tests.smtp import free_port


def test_without_postgresql_it_says_it_was_skipped_and_lets_the_other_benches_run() -> None:
    env = {**os.environ, "TEND_DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/x"}

    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "load"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["bench"] == "load"
    assert report["skipped"].startswith("PostgreSQL is not reachable at 127.0.0.1:")


def test_the_report_counts_every_unexpected_answer_as_an_error() -> None:
    samples = [load.Sample("queue", 0.010 * (i + 1), ok=True) for i in range(99)]
    samples.append(load.Sample("tap", 2.5, ok=False, note="tap /a/x/: 500 (expected 200)"))

    report = load.summary(samples, elapsed=10.0)

    assert report["requests"] == 100
    assert report["errors"] == 1
    assert report["error_examples"] == ["tap /a/x/: 500 (expected 200)"]
    assert (report["p50_ms"], report["p95_ms"], report["p99_ms"]) == (500, 950, 990)
    assert report["max_ms"] == 2500
    assert report["rps"] == 10.0
    assert report["p95_ms_by_kind"] == {"queue": 950, "tap": 2500}
