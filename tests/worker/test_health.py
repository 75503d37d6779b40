"""Nobody is left unaware that follow-ups have stopped: admins see it on every page when no
worker has been seen for five minutes, and /health/ answers 503 until one is."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from tend.notify import heartbeat
from tend.notify.models import WorkerBeat
from tend.practices.models import Practitioner
from tests import factories
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db
BANNER = "Follow-ups are not being sent."


@pytest.fixture
def as_admin(alice: Practitioner) -> HttpClient:
    admin = factories.PractitionerFactory(practice=alice.practice, role="admin")
    http = HttpClient()
    http.force_login(admin)
    return http


def health() -> tuple[int, dict[str, Any]]:
    response = HttpClient().get("/health/")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, json.loads(response.content)


def test_with_no_worker_ever_admins_are_told_and_health_says_503(
    as_admin: HttpClient, as_alice: HttpClient, dana: Any
) -> None:
    for page in ("/", "/clients/", f"/clients/{dana.pk}/", "/sessions/plans/"):
        assert BANNER in as_admin.get(page).content.decode(), page
    assert BANNER not in as_alice.get("/").content.decode()  # admins only
    assert health() == (503, {"database": "ok", "worker": "not seen for 5 minutes"})


def test_a_worker_at_work_clears_both_and_five_quiet_minutes_bring_them_back(
    as_admin: HttpClient,
) -> None:
    run_worker()  # its rounds beat

    assert WorkerBeat.objects.count() == 1
    assert BANNER not in as_admin.get("/").content.decode()
    assert health() == (200, {"database": "ok", "worker": "ok"})

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4, seconds=50)):
        assert health()[0] == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=10)):
        assert health()[0] == 503
        assert BANNER in as_admin.get("/").content.decode()


def test_a_worker_that_stops_cleanly_is_gone_at_once() -> None:
    heartbeat.beat("w1", timezone.now())
    assert heartbeat.alive()
    heartbeat.forget("w1")
    assert not heartbeat.alive()
    assert health()[0] == 503


def test_health_names_no_practice_and_no_client(dana: Any) -> None:
    _status, body = health()
    assert set(body) == {"database", "worker"}
    assert dana.name not in json.dumps(body)
