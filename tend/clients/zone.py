"""A client's clock: the time zone everything about them is reckoned in."""

from __future__ import annotations

import zoneinfo

from tend.clients.models import Client


def client_zone(client: Client) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(client.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
