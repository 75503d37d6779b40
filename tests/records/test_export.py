"""An admin exports the whole practice to move it elsewhere: every client's words, and
nothing of another practice's."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from tend.audit.models import Action, Event
from tend.care.models import AftercarePlan
from tend.integration.models import Exercise
from tend.journal import services as journal
from tend.practices.models import Practitioner
from tests import factories
from tests.records.canary import client_full_of

pytestmark = pytest.mark.django_db

OURS = "Ourcanary4d"
THEIRS = "Theircanary8k"


def admin_browser(person: Practitioner) -> HttpClient:
    Practitioner.objects.filter(pk=person.pk).update(role=Practitioner.Role.ADMIN)
    http = HttpClient()
    http.force_login(person)
    return http


def test_the_export_holds_every_kind_of_record_and_nothing_of_another_practice(
    alice: Practitioner, bob: Practitioner
) -> None:
    ours = client_full_of(OURS, alice)
    journal.write(ours, f"{OURS} kept private")
    AftercarePlan.objects.create(
        practice=alice.practice, intensity="gentle", hours=[24], guidance={"en": f"{OURS} plan"}
    )
    Exercise.objects.create(
        practice=alice.practice,
        key="slow-walk",
        kind="rest",
        intensities=["gentle"],
        text={"en": {"title": f"{OURS} walk", "summary": "", "steps": []}},
    )
    client_full_of(THEIRS, bob)
    http = admin_browser(alice)

    assert http.get("/records/export/").status_code == 200
    response = http.post("/records/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tend-practice-')
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    data = json.loads(text)
    [client] = data["clients"]
    assert client["about"]["name"] == f"{OURS} name"
    for words in (
        "private note",
        "client note",
        "guidance",
        "check-in note",
        "need",
        "resolution",
        "reply",
        "answer",
        "shared entry",
        "prompt",
        "ripple",
        "reply to entry",
        "plan",
        "walk",
    ):
        assert f"{OURS} {words}" in text, words
    assert client["questionnaires"][0]["answers"] == [3, 3, 2, 4, 5]
    assert f"{OURS} kept private" not in text
    assert THEIRS not in text
    assert "Bob Smith" not in text
    assert [p["name"] for p in data["practitioners"]] == ["Alice Moreno"]
    assert "pbkdf2" not in text and "password" not in data["practitioners"][0]


def test_the_export_is_in_each_clients_trail(alice: Practitioner, bob: Practitioner) -> None:
    carmen = factories.ClientFactory(practitioner=alice)
    dana = factories.ClientFactory(practitioner=alice)
    factories.ClientFactory(practitioner=bob)

    admin_browser(alice).post("/records/export/")

    rows = Event.objects.values_list("client_id", "action", "actor_id")
    assert sorted(rows) == sorted(
        [(carmen.pk, Action.EXPORTED, alice.pk), (dana.pk, Action.EXPORTED, alice.pk)]
    )


def test_a_practitioner_who_is_not_an_admin_cannot_export(as_alice: HttpClient) -> None:
    factories.ClientFactory(practitioner=as_alice.person)  # type: ignore[attr-defined]

    assert as_alice.get("/records/export/").status_code == 403
    assert as_alice.post("/records/export/").status_code == 403
    assert not Event.objects.exists()
