"""Questionnaires follow what happens below them: a session logged or changed sets the ones
asked for after every session. Connected in AssessmentsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tend.assessments import schedule
from tend.care import signals as care
from tend.care.models import Session


@receiver(care.plan_changed)
def after_session(sender: Any, session: Session, **kwargs: Any) -> None:
    schedule.after_session(session)
