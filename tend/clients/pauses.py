"""A client's say over follow-up: a quiet day, a pause, stopping emails, and coming back."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from tend.clients.models import Client


def _zone(client: Client) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(client.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def end_of_local_day(client: Client, days: int = 1) -> dt.datetime:
    local = timezone.now().astimezone(_zone(client))
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=days), dt.time(0))
    return midnight.replace(tzinfo=_zone(client)).astimezone(dt.UTC)


def pause(client: Client, days: int = 1) -> dt.datetime:
    """No follow-up until the end of the day (days=1 is a quiet day)."""
    client.paused_until = end_of_local_day(client, days)
    client.save(update_fields=["paused_until"])
    return client.paused_until


def resume(client: Client) -> None:
    client.paused_until = None
    client.save(update_fields=["paused_until"])


def stop_emails(client: Client) -> None:
    if client.emails_stopped_at is None:
        client.emails_stopped_at = timezone.now()
        client.save(update_fields=["emails_stopped_at"])


def restart_emails(client: Client) -> None:
    client.emails_stopped_at = None
    client.save(update_fields=["emails_stopped_at"])


def is_paused(client: Client, at: dt.datetime | None = None) -> bool:
    return client.paused_until is not None and client.paused_until > (at or timezone.now())
