"""The README's configuration table is a claim: every variable Tend reads is in it, and
nothing in it is a variable Tend no longer reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"TEND_[A-Z_]+[A-Z]")


def read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tend").rglob("*.py"):
        names |= set(NAME.findall(path.read_text()))
    return names


def in_the_table() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {name for row in table.splitlines() if row.startswith("|") for name in NAME.findall(row)}


def test_every_variable_tend_reads_is_documented() -> None:
    missing = read_by_the_code() - in_the_table()
    assert not missing, f"not in the README's configuration table: {sorted(missing)}"


def test_the_table_names_no_variable_tend_does_not_read() -> None:
    stale = in_the_table() - read_by_the_code()
    assert not stale, f"in the README but read nowhere: {sorted(stale)}"
