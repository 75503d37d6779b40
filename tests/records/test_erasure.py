"""An admin erases a client: every row and every copy of their words goes, and the audit
trail keeps one line with no word of theirs."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client as HttpClient

from tend.audit.models import Action, Event
from tend.clients.models import Client
from tend.journal.models import Entry
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tend.records import erasure
from tests import factories
from tests.conftest import signed_in_as
from tests.records.canary import client_full_of

CANARY = "Kiteharbour9q"
ENCRYPTED = [  # (table, column) of every encrypted text about a client
    ("care_session", "private_note"),
    ("care_session", "client_note"),
    ("care_session", "guidance"),
    ("checkins_checkin", "note"),
    ("checkins_checkin", "need"),
    ("checkins_reply", "body"),
    ("checkins_clientreply", "body"),
    ("journal_entry", "text"),
    ("journal_entry", "prompt"),
    ("alerts_alert", "resolution"),
    ("assessments_administration", "answers"),
    ("notify_delivery", "message"),
]


def admin(person: Practitioner) -> Practitioner:
    Practitioner.objects.filter(pk=person.pk).update(role=Practitioner.Role.ADMIN)
    person.refresh_from_db()
    return person


def stored_bytes() -> bytes:
    """Everything the database holds: SQLite's file and WAL as they lie on disk, or what
    `pg_dump` writes out."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = Path(db["NAME"])
        return b"".join(p.read_bytes() for p in (name, Path(f"{name}-wal")) if p.exists())
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], db["NAME"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    return subprocess.run(command, env=env, capture_output=True, check=True).stdout  # noqa: S603


def ciphertexts(client_id: int) -> list[bytes]:
    """The encrypted texts as stored (a piece of each, long enough to be unmistakable)."""
    found = []
    with connection.cursor() as cursor:
        for table, column in ENCRYPTED:
            cursor.execute(f"SELECT {column} FROM {table} WHERE client_id = %s", [client_id])  # noqa: S608
            found += [row[0][20:80].encode() for row in cursor.fetchall() if row[0]]
    return found


def erase_through_the_page(alice: Practitioner, client: Client) -> HttpClient:
    http = HttpClient()
    http.force_login(alice)
    assert http.get(f"/records/clients/{client.pk}/erase/").status_code == 200
    response = http.post(f"/records/clients/{client.pk}/erase/", {"name": client.name}, follow=True)
    assert response.status_code == 200
    assert "The client is erased." in response.content.decode()
    return http


@pytest.mark.django_db(transaction=True)
def test_an_erased_client_leaves_no_canary_in_the_database_or_the_logs(
    alice: Practitioner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    if connection.vendor == "sqlite":  # as SQLite is built on most systems (Debian: on)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=OFF")
    admin(alice)
    client = client_full_of(CANARY, alice)
    signed_in_as(client).get("/c/path/")  # the client was signed in somewhere
    assert Delivery.objects.filter(kind=Delivery.Kind.ALERT).exists()  # to the practitioner
    secret = ciphertexts(client.pk)
    assert len(secret) >= len(ENCRYPTED)
    if connection.vendor == "sqlite":
        assert CANARY.encode() in stored_bytes()  # the name and email are plain text
    client_id = client.pk

    erase_through_the_page(alice, client)

    data = stored_bytes()
    assert len(data) > 10_000  # the real thing, not an empty file
    assert CANARY.encode() not in data
    assert CANARY.lower().encode() not in data
    assert [piece for piece in secret if piece in data] == []
    assert CANARY not in caplog.text
    assert not Delivery.objects.exists()  # every email here was about the client
    [erased] = Event.objects.filter(client_id=client_id, action=Action.ERASED)
    assert erased.actor == alice


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_dump_holds_no_canary_after_erasure(alice: Practitioner) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with TEND_DATABASE_URL=postgres://...")
    admin(alice)
    client = client_full_of(CANARY, alice)
    assert CANARY.encode() in stored_bytes()

    erase_through_the_page(alice, client)

    assert CANARY.encode() not in stored_bytes()


@pytest.mark.django_db
def test_after_erasure_only_an_audit_line_says_the_client_was(alice: Practitioner) -> None:
    admin(alice)
    client = client_full_of(CANARY, alice)
    other = factories.ClientFactory(practitioner=alice, name="Dana Fox")
    other_entry = Entry.objects.create(practice=alice.practice, client=other, text="Mine.")
    http = HttpClient()
    http.force_login(alice)
    http.get(f"/clients/{client.pk}/")
    client_id = client.pk

    http.post(f"/records/clients/{client_id}/erase/", {"name": f"  {CANARY.lower()}  NAME "})

    assert not Client.objects.filter(pk=client_id).exists()
    assert http.get(f"/clients/{client_id}/").status_code == 404
    assert [(e.action, e.actor_id) for e in Event.objects.filter(client_id=client_id)] == [
        (Action.ERASED, alice.pk),
        (Action.VIEWED_CLIENT, alice.pk),
    ]
    assert Entry.objects.get(pk=other_entry.pk).text == "Mine."  # nobody else's record


@pytest.mark.django_db
def test_a_wrong_name_erases_nothing_and_says_so(alice: Practitioner, carmen: Client) -> None:
    admin(alice)
    http = HttpClient()
    http.force_login(alice)

    response = http.post(f"/records/clients/{carmen.pk}/erase/", {"name": "Carmen"})

    assert response.status_code == 400
    assert (
        "isn&#x27;t their name as Tend has it, so nothing was erased" in response.content.decode()
    )
    assert Client.objects.filter(pk=carmen.pk).exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_practitioner_who_is_not_an_admin_cannot_erase(
    as_alice: HttpClient, carmen: Client
) -> None:
    assert as_alice.get(f"/records/clients/{carmen.pk}/erase/").status_code == 403
    response = as_alice.post(f"/records/clients/{carmen.pk}/erase/", {"name": carmen.name})

    assert response.status_code == 403
    assert Client.objects.filter(pk=carmen.pk).exists()


@pytest.mark.django_db
def test_the_erased_clients_browser_is_signed_out(alice: Practitioner, carmen: Client) -> None:
    browser = signed_in_as(carmen)
    assert browser.get("/c/path/").status_code == 200

    erasure.erase(carmen, by=admin(alice))

    assert browser.get("/c/path/").status_code == 302


def _points_at_a_client(model: type[models.Model]) -> list[models.ForeignKey[Client, Client]]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.related_model is Client
    ]


def test_every_row_about_a_client_goes_with_them() -> None:
    """Foreign keys to a client cascade (and so do keys to their rows, for Django's delete
    follows each); a client named by a bare id is erased by hand (erasure.BY_ID)."""
    by_id = {(m, f) for m, f in erasure.BY_ID}
    for model in apps.get_models():
        for field in _points_at_a_client(model):
            assert field.remote_field.on_delete is models.CASCADE, (model, field.name)
        bare = [
            f
            for f in model._meta.get_fields()
            if f.name == "client_id" and not isinstance(f, models.ForeignKey)
        ]
        if bare and model is not Event:  # the trail keeps ids only, and stays
            assert (model, "client_id") in by_id, f"{model.__name__} names a client by id"
