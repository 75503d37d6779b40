"""Whether email is going out: "no email has gone out for 15 minutes while some are due"."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.notify.models import Delivery

STALLED_AFTER = dt.timedelta(minutes=15)


def stalled(practice_id: int, now: dt.datetime | None = None) -> bool:
    """True when this practice has emails waiting for longer than STALLED_AFTER and no
    email at all has gone out in that time (the worker is stopped, or mail is down)."""
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    waiting = (
        Delivery.objects.filter(
            practice_id=practice_id,
            state__in=(Delivery.State.QUEUED, Delivery.State.SENDING),
            due_at__lte=cutoff,
        ).exists()
        or CheckIn.objects.filter(
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            practice_id=practice_id,
            state=State.SCHEDULED,
            due_at__lte=cutoff,
            client__emails_stopped_at__isnull=True,
        ).exists()
    )
    return waiting and not Delivery.objects.filter(sent_at__gte=cutoff).exists()
