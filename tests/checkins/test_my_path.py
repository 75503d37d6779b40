"""My path, calm and without scores, and Download my data: everything Tend holds about the
client that is theirs, in their language, and nobody else's."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.integration.models import Exercise, ExerciseDone
from tend.journal import services as journal
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db


def visible(response: Any) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    return re.sub(r" ([:,.])", r"\1", words)


@pytest.fixture
def lived(carmen: Any, dana: Any) -> dict[str, Any]:
    """Carmen's weeks: a session, check-ins, a practice done, an entry and a ripple."""
    session = factories.SessionFactory(
        client=carmen, client_note="Descansa esta noche.", private_note="Working note: father."
    )
    factories.CheckInFactory(
        client=carmen, session=session, activation=8, emotions=["tearful"], note="Lloré."
    )
    factories.CheckInFactory(client=carmen, quick_answer="tender", activation=None)
    walk = Exercise.objects.get(practice=None, key="a-slow-walk")
    ExerciseDone.objects.create(practice=carmen.practice, client=carmen, exercise=walk)
    journal.write(carmen, "Hoy escribí sin prisa.")
    journal.write(carmen, "Respiré antes de contestar.", kind="ripple", share=True)
    journal.write(dana, "Dana's own words.")
    return {"walk": walk}


def test_my_path_tells_where_the_client_has_been_without_numbers(
    lived: dict[str, Any], carmen: Any
) -> None:
    page = visible(signed_in_as(carmen).get("/c/path/"))

    assert "Mi camino" in page
    assert "Una sesión con Alice Moreno" in page
    assert "Descansa esta noche." in page
    assert f"Hiciste «{lived['walk'].title('es')}»" in page
    assert "Escribiste en tu diario · privada Hoy escribí sin prisa." in page
    assert "Un pequeño cambio · compartida Respiré antes de contestar." in page
    assert "Contaste cómo estabas: “sensible”" in page
    assert "Contaste cómo estabas ganas de llorar" in page  # feelings, not the 8
    assert "/10" not in page  # no scores on the path
    assert "Dana" not in page
    assert "Working note" not in page


def test_the_json_download_holds_the_clients_words_and_no_one_elses(
    lived: dict[str, Any], carmen: Any
) -> None:
    response = signed_in_as(carmen).get("/c/path/my-data.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tend-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["about"]["name"] == "Carmen López"
    assert [s["note_for_you"] for s in data["sessions"]] == ["Descansa esta noche."]
    assert {c["note"] for c in data["check_ins"]} >= {"Lloré."}
    assert ["ganas de llorar"] in [c["feelings"] for c in data["check_ins"]]
    assert [p["practice"] for p in data["practices_done"]] == [lived["walk"].title("es")]
    assert [e["text"] for e in data["journal"]] == [
        "Hoy escribí sin prisa.",
        "Respiré antes de contestar.",
    ]
    assert data["journal"][0]["shared"] is None
    assert data["journal"][1]["shared"] is not None
    assert "notas de trabajo privadas" in data["not_included"]
    flat = response.content.decode()
    assert "Working note" not in flat
    assert "Dana" not in flat


def test_the_readable_download_is_a_page_in_the_clients_language(
    lived: dict[str, Any], carmen: Any
) -> None:
    response = signed_in_as(carmen).get("/c/path/my-data.html")

    assert response["Content-Disposition"].endswith('.html"')
    page = visible(response)
    assert "Todo lo que Tend guarda sobre Carmen López" in page
    assert "Respiré antes de contestar." in page
    assert "Working note" not in page
    assert "<script" not in response.content.decode()


def test_nobody_signed_out_gets_anyones_data() -> None:
    for url in ("/c/path/", "/c/path/my-data.json", "/c/path/my-data.html"):
        response = HttpClient().get(url)
        assert response.status_code == 302
        assert response["Location"] == "/c/signin/"
