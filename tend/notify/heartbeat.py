"""Whether a worker is alive: each records a heartbeat; none seen for STALE means nobody is
sending follow-ups."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tend.notify.models import WorkerBeat

STALE = dt.timedelta(minutes=5)
EVERY = 30.0  # seconds between beats


def beat(worker: str, started_at: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now(), "started_at": started_at}
    )


def last_seen() -> dt.datetime | None:
    return WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def alive(now: dt.datetime | None = None) -> bool:
    seen = last_seen()
    return seen is not None and seen >= (now or timezone.now()) - STALE


def forget(worker: str) -> None:
    """A worker stopping cleanly says so at once, rather than after STALE."""
    WorkerBeat.objects.filter(worker=worker).delete()
