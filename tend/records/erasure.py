"""Erasing a client: every row about them and every copy of their words goes, and the audit
trail keeps one line that says only that client #id was erased, by whom and when.

Rows that belong to a client point at them by foreign key, directly or through another row
(a check-in's alert, a reply's answers), all with CASCADE: deleting the client deletes
them (tests/records/test_erasure.py checks every model for it). Rows that name a client by
id alone are listed in BY_ID and deleted here. Deleted rows leave their bytes in the
database's free space and log, so `scrub` then compacts the tables.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.apps import apps
from django.db import OperationalError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from tend.alerts.models import Alert, AlertEvent
from tend.audit import trail
from tend.audit.models import Action
from tend.clients.middleware import SESSION_KEY
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.practices.models import BrowserSession as WebSession
from tend.practices.models import Move, Practitioner

log = logging.getLogger(__name__)

# Rows that name a client by id instead of a foreign key (the outbox sits below clients):
# (model, field). The audit trail is the one such table kept: it holds no words.
BY_ID: list[tuple[type[models.Model], str]] = [(Delivery, "client_id")]


class _Erased:
    """The client as the trail remembers them: an id in a practice."""

    def __init__(self, pk: int, practice_id: int) -> None:
        self.pk, self.practice_id = pk, practice_id


def erase(client: Client, *, by: Practitioner) -> int:
    """Delete the client and everything about them; returns their id. The space their rows
    took is scrubbed once the transaction commits."""
    client_id, practice_id = client.pk, client.practice_id
    with transaction.atomic():
        alerts = list(Alert.objects.filter(client_id=client_id).values_list("pk", flat=True))
        Move.objects.filter(practice_id=practice_id).filter(
            Q(what=Move.What.CLIENT, record_id=client_id)
            | Q(what=Move.What.ALERT, record_id__in=alerts)
        ).delete()
        # Emails about their alerts went to practitioners, so they carry the alert's key,
        # not the client's id (which would count as the client being out of reach).
        told = AlertEvent.objects.filter(alert_id__in=alerts).exclude(key=None)
        Delivery.objects.filter(key__in=told.values("key")).delete()
        tables = {Move._meta.db_table, WebSession._meta.db_table}
        for model, field in BY_ID:
            model._default_manager.filter(**{field: client_id}).delete()
            tables.add(model._meta.db_table)
        _end_web_sessions(client_id)
        _count, deleted = client.delete()
        tables |= {apps.get_model(label)._meta.db_table for label in deleted}
        trail.record(by, _Erased(client_id, practice_id), Action.ERASED)
        transaction.on_commit(lambda: scrub(sorted(tables)))
    log.info("Client %s erased by practitioner %s", client_id, by.pk)
    return client_id


def _end_web_sessions(client_id: int) -> None:
    """Browser sessions signed in as the client (they hold only the id, but go too)."""
    live = WebSession.objects.filter(expire_date__gt=timezone.now())
    ended = [s.pk for s in live.iterator() if s.get_decoded().get(SESSION_KEY) == client_id]
    WebSession.objects.filter(pk__in=ended).delete()


def scrub(tables: Iterable[str]) -> bool:
    """Leave no copy of deleted rows in the database's free space or log, as far as the
    database allows: SQLite rebuilds the file and empties its WAL; PostgreSQL vacuums the
    tables (its own WAL files keep old pages until it recycles them). False if the database
    was too busy to finish; the rows are gone either way."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _frames, _done = cursor.fetchone()
                if busy:
                    log.warning("Erasure: the WAL is in use by a reader; it empties later")
                return not busy
            if connection.vendor == "postgresql":
                for table in tables:
                    cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
    except OperationalError as error:
        log.warning("Erasure: the database could not be compacted now (%s)", error)
        return False
    return True
