"""Who read or changed a client's record is written down: once, with no words of theirs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from tend.audit import trail
from tend.audit.models import Action, Event
from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients import email_links
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


def trail_of(client: Client) -> list[tuple[str | None, bool, str, str]]:
    """(practitioner, by the client, action, record), oldest first."""
    return [
        (e.actor.name if e.actor else None, e.by_client, e.action, e.record)
        for e in Event.objects.filter(client_id=client.pk).order_by("at", "pk")
    ]


def test_opening_a_clients_page_records_who_opened_it(as_alice: HttpClient, carmen: Client) -> None:
    assert as_alice.get(f"/clients/{carmen.pk}/").status_code == 200

    assert trail_of(carmen) == [("Alice Moreno", False, Action.VIEWED_CLIENT, "")]


def test_opening_a_check_in_a_brief_and_a_sessions_notes_are_recorded(
    as_alice: HttpClient, carmen: Client
) -> None:
    session = factories.SessionFactory(client=carmen)
    checkin = factories.CheckInFactory(client=carmen, session=session)

    as_alice.get(f"/checkins/{checkin.pk}/")
    as_alice.get(f"/clients/{carmen.pk}/brief/")
    as_alice.get(f"/sessions/{session.pk}/edit/")

    assert trail_of(carmen) == [
        ("Alice Moreno", False, Action.VIEWED_CHECKIN, f"checkin:{checkin.pk}"),
        ("Alice Moreno", False, Action.VIEWED_BRIEF, ""),
        ("Alice Moreno", False, Action.VIEWED_SESSION, f"session:{session.pk}"),
    ]


def test_changes_to_notes_and_details_are_recorded(as_alice: HttpClient, carmen: Client) -> None:
    form = {
        "starts_at": "2026-01-10T10:00",
        "modality": "breathwork",
        "intensity": "gentle",
        "client_note": "Go gently.",
        "private_note": "Tight jaw.",
    }
    as_alice.post(f"/sessions/new/{carmen.pk}/", form)
    session = Session.objects.get(client=carmen)
    as_alice.post(f"/sessions/{session.pk}/edit/", {**form, "private_note": "Softer jaw."})
    as_alice.post(f"/sessions/{session.pk}/delete/")
    details = {
        "name": "Carmen López",
        "email": "carmen.new@example.com",
        "language": "es",
        "timezone": "Europe/Madrid",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert as_alice.post(f"/clients/{carmen.pk}/edit/", details).status_code == 302
    as_alice.post(f"/clients/{carmen.pk}/sign-out/")

    record = f"session:{session.pk}"
    assert [(action, what) for _who, _c, action, what in trail_of(carmen)] == [
        (Action.ADDED_SESSION, record),
        (Action.CHANGED_SESSION, record),
        (Action.DELETED_SESSION, record),
        (Action.CHANGED_CLIENT, ""),
        (Action.SIGNED_OUT, ""),
    ]


def test_a_client_downloading_their_data_or_stopping_emails_is_recorded_as_theirs(
    carmen: Client,
) -> None:
    signed_in_as(carmen).get("/c/path/my-data.json")
    stop = email_links.url(carmen.pk, email_links.STOP)
    HttpClient().post(stop)

    assert trail_of(carmen) == [
        (None, True, Action.DOWNLOADED, ""),
        (None, True, Action.EMAILS_STOPPED, ""),
    ]


def test_a_page_that_is_not_found_records_nothing(as_bob: HttpClient, carmen: Client) -> None:
    assert as_bob.get(f"/clients/{carmen.pk}/").status_code == 404
    assert not Event.objects.exists()


def test_opening_a_clients_page_costs_one_insert_and_no_read_of_the_trail(
    as_alice: HttpClient, carmen: Client
) -> None:
    factories.CheckInFactory(client=carmen)
    with CaptureQueriesContext(connection) as queries:
        as_alice.get(f"/clients/{carmen.pk}/")

    touching = [q["sql"] for q in queries if "audit_event" in q["sql"]]
    assert len(touching) == 1
    assert touching[0].startswith("INSERT")


def test_the_trail_is_never_changed_or_deleted(alice: Practitioner, carmen: Client) -> None:
    event = trail.record(alice, carmen, Action.VIEWED_CLIENT)

    event.action = Action.EXPORTED
    with pytest.raises(ValueError, match="never changed"):
        event.save()
    with pytest.raises(ValueError, match="never changed"):
        event.delete()
    with pytest.raises(ValueError, match="never changed"):
        Event.objects.filter(pk=event.pk).update(action=Action.EXPORTED)
    with pytest.raises(ValueError, match="never changed"):
        Event.objects.all().delete()
    assert Event.objects.get().action == Action.VIEWED_CLIENT


def test_the_trail_holds_ids_and_names_of_actions_never_words(
    as_alice: HttpClient, carmen: Client
) -> None:
    words = "Canary-5b1e the lighthouse keeper"
    session = factories.SessionFactory(client=carmen, private_note=words)
    checkin = factories.CheckInFactory(client=carmen, note=words)
    as_alice.get(f"/clients/{carmen.pk}/")
    as_alice.get(f"/checkins/{checkin.pk}/")
    as_alice.get(f"/sessions/{session.pk}/edit/")
    as_alice.post(f"/alerts/checkin/{checkin.pk}/reply/", {"reply": words})

    rows = list(Event.objects.values())
    assert len(rows) == 4
    assert "Canary-5b1e" not in repr(rows)
    assert carmen.name not in repr(rows)
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
