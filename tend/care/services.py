"""Writes about sessions."""

from __future__ import annotations

from django.utils import timezone

from tend.care.forms import SessionForm
from tend.care.models import Session
from tend.clients.models import Client
from tend.practices.models import Practitioner


def session_log(*, form: SessionForm, client: Client, practitioner: Practitioner) -> Session:
    session = form.save(commit=False)
    session.practice_id = client.practice_id
    session.client = client
    session.practitioner = practitioner
    session.save()
    return session


def session_update(*, form: SessionForm) -> Session:
    session = form.save(commit=False)
    session.updated_at = timezone.now()
    session.save()
    return session
