"""Time zone names a person can choose from."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def choices() -> list[tuple[str, str]]:
    names = sorted(z for z in all_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in names)]


def is_valid(name: str) -> bool:
    return name in all_zones()
