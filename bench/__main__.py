"""`python -m bench [--n N]`: run the benchmarks, one JSON object per line on stdout."""

from __future__ import annotations

import argparse

from bench import dispatch


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--n", type=int, default=20_000, help="due check-ins to dispatch (default 20000)"
    )
    args = parser.parse_args()
    dispatch.main(args.n)


if __name__ == "__main__":
    main()
