"""Admins read a client's trail and download it; the client sees who opened their record."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.audit import trail
from tend.audit.models import Action
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


def make_admin(person: Practitioner) -> HttpClient:
    Practitioner.objects.filter(pk=person.pk).update(role=Practitioner.Role.ADMIN)
    http = HttpClient()
    http.force_login(person)
    return http


def test_an_admin_sees_who_opened_a_clients_record(alice: Practitioner, carmen: Client) -> None:
    luis = factories.PractitionerFactory(practice=alice.practice, name="Luis Ortega")
    checkin = factories.CheckInFactory(client=carmen)
    trail.record(luis, carmen, Action.VIEWED_CHECKIN, checkin)
    http = make_admin(alice)

    assert "Who opened this record" in http.get(f"/clients/{carmen.pk}/").content.decode()
    page = http.get(f"/records/clients/{carmen.pk}/trail/").content.decode()

    assert "Luis Ortega" in page and "opened a check-in" in page
    assert f"checkin:{checkin.pk}" in page
    assert "Alice Moreno" in page and "opened their page" in page


def test_the_trail_downloads_as_csv_that_no_spreadsheet_runs(
    alice: Practitioner, carmen: Client
) -> None:
    sly = factories.PractitionerFactory(practice=alice.practice, name="=HYPERLINK(1)")
    trail.record(sly, carmen, Action.VIEWED_CLIENT)

    response = make_admin(alice).get(f"/records/clients/{carmen.pk}/trail.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["at_utc", "action", "what"]
    assert rows[1][1:3] == ["viewed_client", "opened their page"]
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_a_practitioner_who_is_not_an_admin_cannot_read_the_trail(
    as_alice: HttpClient, carmen: Client
) -> None:
    assert "Who opened this record" not in as_alice.get(f"/clients/{carmen.pk}/").content.decode()
    assert as_alice.get(f"/records/clients/{carmen.pk}/trail/").status_code == 403
    assert as_alice.get(f"/records/clients/{carmen.pk}/trail.csv").status_code == 403


def test_a_client_sees_who_opened_their_record_in_their_language(
    alice: Practitioner, carmen: Client
) -> None:
    luis = factories.PractitionerFactory(practice=alice.practice, name="Luis Ortega")
    with time_machine.travel("2026-03-02 10:00Z"):
        trail.record(luis, carmen, Action.VIEWED_CLIENT)
        trail.record(luis, carmen, Action.VIEWED_CHECKIN)  # the same day: shown once
    with time_machine.travel("2026-03-05 10:00Z"):
        trail.record(alice, carmen, Action.VIEWED_CLIENT)
        trail.record(alice, carmen, Action.SIGNED_OUT)  # not a reading
    trail.record(None, carmen, Action.DOWNLOADED)  # their own download

    page = signed_in_as(carmen).get("/c/path/").content.decode()

    assert "Quién ha abierto tu expediente" in page
    assert page.count("Luis Ortega") == 1
    assert "2 de marzo de 2026" in page and "5 de marzo de 2026" in page
    assert page.index("Alice Moreno") < page.index("Luis Ortega")  # newest first


def test_a_client_whose_record_nobody_opened_is_told_so(dana: Client) -> None:
    page = signed_in_as(dana).get("/c/path/").content.decode()

    assert "Nobody at the practice has opened your record yet." in page
