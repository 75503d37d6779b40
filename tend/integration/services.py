"""What a client does with practices: doing one, and what they have done."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tend.clients.models import Client
from tend.integration.models import Exercise, ExerciseDone

# Pressing "I did this" twice in a row (a double tap, a reload) is one time, not two.
SAME_TIME = dt.timedelta(minutes=10)


def did(client: Client, exercise: Exercise) -> ExerciseDone:
    now = timezone.now()
    recent = ExerciseDone.objects.filter(
        client=client, exercise=exercise, at__gte=now - SAME_TIME
    ).first()
    if recent is not None:
        return recent
    return ExerciseDone.objects.create(
        practice_id=client.practice_id, client=client, exercise=exercise, at=now
    )
