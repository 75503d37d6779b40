"""Rows as work: claimed by one worker under an expiring lease, then given back.

Models that use this have `lease_owner` (text) and `lease_until` (a time, or null). A worker
killed while holding rows loses nothing: when the lease runs out, another claims them.
PostgreSQL skips rows another worker is claiming (SKIP LOCKED); on SQLite the IMMEDIATE
transaction serialises claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)


def unleased[M: models.Model](qs: models.QuerySet[M], now: dt.datetime) -> models.QuerySet[M]:
    return qs.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def claim[M: models.Model](
    qs: models.QuerySet[M], worker: str, batch: int, order_by: str
) -> list[int]:
    """Take up to `batch` rows of `qs`, in `order_by` order. Nobody else gets them until
    the lease ends."""
    now = timezone.now()
    with transaction.atomic():
        rows = unleased(qs, now).order_by(order_by).select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:batch])
        if ids:
            qs.model._default_manager.filter(pk__in=ids).update(
                lease_owner=worker, lease_until=now + lease()
            )
    return ids


def release(
    model: type[models.Model], ids: list[int], worker: str, wait: dt.timedelta | None = None
) -> None:
    """Give rows back: to anyone at once, or (with `wait`) to nobody until it has passed."""
    until = None if wait is None else timezone.now() + wait
    model._default_manager.filter(pk__in=ids, lease_owner=worker).update(
        lease_owner="", lease_until=until
    )


def release_all(model: type[models.Model], worker: str) -> int:
    """Everything `worker` holds, back to anyone at once (it lost sight of its claims)."""
    return model._default_manager.filter(lease_owner=worker).update(
        lease_owner="", lease_until=None
    )


class Heartbeat:
    """Keeps a batch's lease alive for as long as its worker is: renewed every third of
    the lease, so a worker that dies holds its rows for one lease at most."""

    def __init__(self, model: type[models.Model], worker: str) -> None:
        self.model = model
        self.worker = worker
        self.next = timezone.now() + lease() / 3

    def beat(self, held: Callable[[], list[int]]) -> None:
        """Renew the lease on `held()` (the rows still to do), if a third of it has gone."""
        now = timezone.now()
        if now < self.next or not (ids := held()):
            return
        self.model._default_manager.filter(pk__in=ids, lease_owner=self.worker).update(
            lease_until=now + lease()
        )
        self.next = now + lease() / 3
