"""Due check-ins to send."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tend.checkins.models import CheckIn, State
from tend.practices.models import Practitioner
from tests import factories


def due(practitioner: Practitioner, *emails: str) -> list[CheckIn]:
    """One due follow-up check-in per address, each a second after the one before."""
    now = timezone.now()
    rows = []
    for position, address in enumerate(emails):
        client = factories.ClientFactory(practitioner=practitioner, email=address)
        rows.append(
            CheckIn.objects.create(
                practice=client.practice,
                client=client,
                state=State.SCHEDULED,
                sequence=2,
                due_at=now - dt.timedelta(minutes=1) + dt.timedelta(seconds=position),
                closes_at=now + dt.timedelta(days=2),
            )
        )
    return rows
