"""`python -m bench [--only NAME] [options]`: run the benchmarks, one JSON object per line.

dispatch: `--n` due check-ins through the worker against raw smtplib (bench/dispatch.py).
triage: the practitioner's home page with `--clients` clients and `--checkins` check-ins
against a trivial signed-in page (bench/triage.py).
screening: the safety screen's time per text over the corpus, against the rules alone, and
its training time (bench/screening.py).
load: `tend serve` on PostgreSQL with `--users` people at once for `--seconds`, while its
worker sends 2,000 due check-ins; then the check-in form flat out against a trivial page
(bench/load.py).

Each benchmark sets Django up for its own throwaway database, so when several run, each
runs in its own process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

BENCHES = ("dispatch", "triage", "screening", "load")


def run(name: str, args: argparse.Namespace) -> None:
    if name == "dispatch":
        from bench import dispatch

        dispatch.main(args.n)
    elif name == "screening":
        from bench import screening

        screening.main()
    elif name == "load":
        from bench import load

        load.main(args.users, args.seconds, args.web)
    else:
        from bench import triage

        triage.main(
            args.clients, args.checkins, args.requests, args.explain, args.keep, args.trivial
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHES,
        help="run only this benchmark (repeatable; default: all, in order)",
    )
    parser.add_argument(
        "--n", type=int, default=20_000, help="dispatch: due check-ins (default 20000)"
    )
    parser.add_argument("--clients", type=int, default=1_000, help="triage: clients (default 1000)")
    parser.add_argument(
        "--checkins", type=int, default=1_000_000, help="triage: check-ins (default 1000000)"
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="triage: timed requests per page (default 200)"
    )
    parser.add_argument(
        "--trivial",
        default="",
        metavar="PATH",
        help="triage: the page to compare against (default: /account/)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="triage: print the page's queries, their times and plans on stderr",
    )
    parser.add_argument(
        "--keep", action="store_true", help="triage: keep the database (its URL goes to stderr)"
    )
    parser.add_argument("--users", type=int, default=200, help="load: people at once (default 200)")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="load: how long they keep at it (default 60)"
    )
    parser.add_argument(
        "--web",
        type=int,
        default=0,
        help="load: web processes (default: what tend serve would choose)",
    )
    args = parser.parse_args()
    selected = [b for b in BENCHES if b in (args.only or BENCHES)]
    if len(selected) == 1:
        run(selected[0], args)
        return
    rest = [f"--n={args.n}", f"--clients={args.clients}", f"--checkins={args.checkins}"]
    rest += [f"--requests={args.requests}", *(["--explain"] if args.explain else [])]
    rest += ["--keep"] if args.keep else []
    rest += [f"--trivial={args.trivial}"] if args.trivial else []
    rest += [f"--users={args.users}", f"--seconds={args.seconds}", f"--web={args.web}"]
    failed = False
    for name in selected:
        done = subprocess.run([sys.executable, "-m", "bench", "--only", name, *rest])  # noqa: S603
        failed = failed or done.returncode != 0
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
