"""Alerts follow what happens below them: a client's answer is screened and may raise alerts,
and so may a journal entry they share.
Connected in AlertsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tend.alerts import services
from tend.assessments import signals as assessments
from tend.assessments.models import Administration
from tend.checkins import signals as checkins
from tend.checkins.models import CheckIn
from tend.journal import signals as journal
from tend.journal.models import Entry


@receiver(checkins.answered)
def raise_for_answer(sender: Any, checkin: CheckIn, **kwargs: Any) -> None:
    services.raise_for_answer(checkin)


@receiver(journal.shared)
def raise_for_entry(sender: Any, entry: Entry, **kwargs: Any) -> None:
    services.raise_for_entry(entry)


@receiver(assessments.answered)
def raise_for_questionnaire(sender: Any, administration: Administration, **kwargs: Any) -> None:
    services.raise_for_questionnaire(administration)
