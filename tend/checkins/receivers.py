"""Check-ins follow what happens below them: sessions logged, changed or deleted, and a
client's clock changed. Connected in CheckinsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tend.care import signals as care
from tend.care.models import Session
from tend.checkins import followup
from tend.checkins.models import CheckIn, State
from tend.clients import signals as clients
from tend.clients.models import Client


@receiver(care.plan_changed)
def schedule(sender: Any, session: Session, **kwargs: Any) -> None:
    followup.schedule(session)


@receiver(care.session_deleting)
def withdraw(sender: Any, session: Session, **kwargs: Any) -> None:
    CheckIn.objects.filter(session=session, state=State.SCHEDULED).delete()
    followup.restore_superseded(session)  # the plan it had replaced takes up again


@receiver(clients.clock_changed)
def refit(sender: Any, client: Client, **kwargs: Any) -> None:
    followup.refit(client)
