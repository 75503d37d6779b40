"""Free text has limits: a note longer than a note can hold is refused with a reason, and a
post too big for any form of Tend's is refused before it is read. Nothing is saved."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

SESSION = {"starts_at": "2026-01-10T10:00", "modality": "breathwork", "intensity": "gentle"}


def visible(response: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_note_longer_than_a_note_holds_is_refused_with_the_numbers(
    as_alice: HttpClient, dana: Client
) -> None:
    response = as_alice.post(f"/sessions/new/{dana.pk}/", {**SESSION, "client_note": "a" * 12_000})
    assert response.status_code == 200
    assert "That's longer than a note here can hold (10000 characters, this has 12000)." in visible(
        response
    )
    assert not Session.objects.filter(client=dana).exists()


def test_a_megabyte_post_gets_a_page_that_says_so_and_changes_nothing(
    as_alice: HttpClient, dana: Client
) -> None:
    huge = "a" * 1_000_000
    refused = as_alice.post(f"/sessions/new/{dana.pk}/", {**SESSION, "private_note": huge})
    assert refused.status_code == 400
    assert "That was too much to send at once" in visible(refused)
    assert "Nothing was saved" in visible(refused)
    assert not Session.objects.filter(client=dana).exists()

    from_client = signed_in_as(dana).post("/c/checkin/", {"activation": "3", "note": huge})
    assert from_client.status_code == 400
    assert "That was too much to send at once" in visible(from_client)
    assert not CheckIn.objects.filter(client=dana).exists()
