"""No app imports an app above it, and no apps import each other (DESIGN.md, App boundaries).

Every module under tend/ is parsed, and every import in it counts: at module level, inside
functions, under `if TYPE_CHECKING:`. Plain Python, no Django: it reads the source only.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TEND = Path(__file__).resolve().parent.parent / "tend"

# Bottom to top. An app may import the apps before it, never one after it.
ORDER = [
    "lib",
    "notify",
    "practices",
    "audit",
    "clients",
    "integration",
    "care",
    "journal",
    "assessments",
    "checkins",
    "alerts",
    "team",
    "records",
]
# The top: they may import any app, and no app imports them. tend/urls.py counts as "urls".
TOP = {"worker", "demo", "backups", "urls", "settings", "cli", "wsgi", "asgi"}
# Beside the chain: above these (they must not import it), below the top.
SAFETY_ABOVE = {"lib", "notify", "practices", "clients"}


def above(upper: str, lower: str) -> bool:
    """Is `upper` above `lower` in the layers?"""
    if upper == lower:
        return False
    if lower in TOP:
        return False
    if upper in TOP:
        return True
    if upper == "safety":
        return lower in SAFETY_ABOVE
    if lower == "safety":
        return False  # nothing but the top is above safety
    return ORDER.index(upper) > ORDER.index(lower)


def app_of(module: str) -> str | None:
    """`tend.care.models` -> "care"; `tend.urls` -> "urls"; anything outside tend: None."""
    parts = module.split(".")
    if parts[0] != "tend" or len(parts) < 2:
        return None
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(TEND.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _named(alias: ast.alias) -> str:
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name


def imported(source: str, name: str, is_package: bool = False) -> list[tuple[int, str, str]]:
    """(line, the module imported, the import as written) for every import in module `name`."""
    tree = ast.parse(source, filename=name)
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, f"import {_named(alias)}"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            written = f"from {'.' * node.level}{node.module or ''} import " + ", ".join(
                map(_named, node.names)
            )
            if target == "tend":  # `from tend import care`: each name is a module
                found.extend((node.lineno, f"tend.{a.name}", written) for a in node.names)
            else:
                found.append((node.lineno, target, written))
    return found


def sources() -> list[Path]:
    return sorted(p for p in TEND.rglob("*.py") if "migrations" not in p.parts)


def app_imports() -> list[tuple[str, str, str]]:
    """(importing app, imported app, "file:line: the import") for imports across apps."""
    edges = []
    for path in sources():
        mine = app_of(module_name(path))
        if mine is None:
            continue
        source = path.read_text(encoding="utf-8")
        for line, target, written in imported(
            source, module_name(path), path.name == "__init__.py"
        ):
            theirs = app_of(target)
            if theirs is not None and theirs != mine:
                where = f"{path.relative_to(TEND.parent)}:{line}: {written}"
                edges.append((mine, theirs, where))
    return edges


def test_every_app_has_a_place_in_the_layers() -> None:
    known = {*ORDER, *TOP, "safety"}
    apps = {app_of(module_name(p)) for p in sources()} - {None, "__init__"}
    unplaced = sorted(str(a) for a in apps - known)
    assert not unplaced, f"Place these in tests/test_layers.py's layers: {unplaced}"


def test_no_app_imports_an_app_above_it() -> None:
    wrong = [
        f"{where}  ({mine} imports {theirs}, which is above it)"
        for mine, theirs, where in app_imports()
        if above(theirs, mine)
    ]
    assert not wrong, "Imports that go up the layers:\n" + "\n".join(wrong)


def test_no_two_apps_import_each_other() -> None:
    by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mine, theirs, where in app_imports():
        by_pair[mine, theirs].append(where)
    both = [
        f"{a} <-> {b}:\n  " + "\n  ".join(by_pair[a, b] + by_pair[b, a])
        for a, b in sorted(by_pair)
        if a < b and (b, a) in by_pair
    ]
    assert not both, "Apps that import each other:\n" + "\n".join(both)


def test_the_app_graph_has_no_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for mine, theirs, _where in app_imports():
        graph[mine].add(theirs)
    done: set[str] = set()

    def cycle_from(app: str, path: list[str]) -> list[str] | None:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return None
        for dep in sorted(graph[app]):
            found = cycle_from(dep, [*path, app])
            if found:
                return found
        done.add(app)
        return None

    cycles = set()
    for app in sorted(graph):
        if found := cycle_from(app, []):
            loop = found[:-1]
            first = loop.index(min(loop))
            cycles.add(" -> ".join([*loop[first:], *loop[:first], loop[first]]))
    assert not cycles, "Import cycles between apps:\n" + "\n".join(sorted(cycles))


def test_the_checker_sees_imports_anywhere_in_a_file() -> None:
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from tend.alerts.models import Alert\n"
        "def f():\n"
        "    import tend.checkins.services\n"
        "    from tend import care\n"
        "    from ..practices import tenancy\n"
    )
    found = {target for _line, target, _written in imported(source, "tend.clients.probe")}
    assert {
        "tend.alerts.models",
        "tend.checkins.services",
        "tend.care",
        "tend.practices",
    } <= found
    assert above("alerts", "clients") and above("safety", "clients")
    assert not above("clients", "alerts") and not above("safety", "alerts")
    assert above("urls", "alerts") and not above("lib", "notify")
