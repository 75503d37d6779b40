"""Writes about sessions and aftercare plans."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tend.care import plans, signals
from tend.care.forms import SessionForm
from tend.care.models import Session
from tend.clients.models import Client
from tend.practices.models import Practitioner

# Changing any of these changes when check-ins fall due.
SCHEDULE_FIELDS = ("starts_at", "intensity", "modality")


def chosen_hours(form: SessionForm, client: Client) -> list[int]:
    own: list[int] | None = form.cleaned_data.get("plan")
    if own:
        return own
    data = form.cleaned_data
    return plans.plan_for(
        client.practice_id, data["intensity"], data["modality"], client.language
    ).hours


@transaction.atomic
def session_log(*, form: SessionForm, client: Client, practitioner: Practitioner) -> Session:
    session = form.save(commit=False)
    session.practice_id = client.practice_id
    session.client = client
    session.practitioner = practitioner
    session.plan_hours = chosen_hours(form, client)
    session.save()
    signals.plan_changed.send(sender=Session, session=session)
    return session


@transaction.atomic
def session_update(*, form: SessionForm) -> Session:
    session = form.save(commit=False)
    hours = chosen_hours(form, session.client)
    replan = hours != session.plan_hours or any(f in form.changed_data for f in SCHEDULE_FIELDS)
    session.plan_hours = hours
    session.updated_at = timezone.now()
    session.save()
    if replan:
        signals.plan_changed.send(sender=Session, session=session)
    return session


@transaction.atomic
def session_delete(*, session: Session) -> None:
    signals.session_deleting.send(sender=Session, session=session)
    session.delete()
