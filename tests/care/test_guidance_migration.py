"""Moving plan guidance from one column per language to texts by language, and encrypting a
session's own guidance, keeps every text that was written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("care", "0002_followup"), ("integration", "0001_exercises")]
AFTER = [("care", "0003_guidance_by_language_and_exercises")]


def migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_guidance_text_survives_the_move_and_a_session_s_is_encrypted() -> None:
    old = migrate(BEFORE)
    Practice = old.get_model("practices", "Practice")  # type: ignore[attr-defined]
    Practitioner = old.get_model("practices", "Practitioner")  # type: ignore[attr-defined]
    Client = old.get_model("clients", "Client")  # type: ignore[attr-defined]
    Plan = old.get_model("care", "AftercarePlan")  # type: ignore[attr-defined]
    Session = old.get_model("care", "Session")  # type: ignore[attr-defined]
    practice = Practice.objects.create(name="Old practice")
    person = Practitioner.objects.create(practice=practice, email="old@example.com", name="Old")
    client = Client.objects.create(
        practice=practice, practitioner=person, name="C", email="c@example.com"
    )
    Plan.objects.create(
        practice=practice,
        intensity="intense",
        hours=[3],
        guidance_en="Rest tonight.",
        guidance_es="Descansa esta noche.",
    )
    Plan.objects.create(practice=practice, intensity="gentle", hours=[24], guidance_es="Sólo es.")
    Plan.objects.create(practice=practice, intensity="moderate", hours=[6])
    session = Session.objects.create(
        practice=practice,
        client=client,
        practitioner=person,
        starts_at="2026-01-01T10:00Z",
        modality="bodywork",
        intensity="intense",
        guidance="Walk by the sea.",
    )

    new = migrate(AFTER)

    Plan = new.get_model("care", "AftercarePlan")  # type: ignore[attr-defined]
    Session = new.get_model("care", "Session")  # type: ignore[attr-defined]
    by_intensity = {p.intensity: p.guidance for p in Plan.objects.all()}
    assert by_intensity == {
        "intense": {"en": "Rest tonight.", "es": "Descansa esta noche."},
        "gentle": {"es": "Sólo es."},
        "moderate": {},
    }
    assert Session.objects.get(pk=session.pk).guidance == "Walk by the sea."
    with connection.cursor() as cursor:
        cursor.execute("SELECT guidance FROM care_session WHERE id = %s", [session.pk])
        raw = cursor.fetchone()[0]
        cursor.execute("SELECT guidance FROM care_aftercareplan")
        plans_raw = " ".join(row[0] for row in cursor.fetchall())
    assert "sea" not in raw
    assert "Rest tonight" not in plans_raw
    migrate(executor_leaf())


def executor_leaf() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
