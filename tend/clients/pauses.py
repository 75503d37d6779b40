"""A client's say over follow-up: a quiet day, a pause, stopping emails, and coming back."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tend.clients.models import Client
from tend.clients.zone import client_zone
from tend.lib.schedule import QuietHours, out_of_quiet_hours, wall_clock

# A quiet day asked for late in the evening covers tomorrow too.
LATE_EVENING = 18


def is_late_evening(client: Client) -> bool:
    return timezone.now().astimezone(client_zone(client)).hour >= LATE_EVENING


def end_of_local_day(client: Client, days: int = 1) -> dt.datetime:
    zone = client_zone(client)
    local = timezone.now().astimezone(zone)
    if days == 1 and is_late_evening(client):
        days = 2
    return wall_clock(local.date() + dt.timedelta(days=days), dt.time(0), zone)


def resumes_at(client: Client) -> dt.datetime | None:
    """The first moment follow-up may arrive again: the pause's end, out of quiet hours."""
    if client.paused_until is None:
        return None
    quiet = QuietHours(client.quiet_start, client.quiet_end)
    return out_of_quiet_hours(client.paused_until, client_zone(client), quiet)


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
