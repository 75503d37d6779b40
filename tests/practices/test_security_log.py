"""Security events each write one line to the `tend.security` log at WARNING: who by number
(never an email), the path with any token redacted, and never a password, code or token."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from tend.practices.models import Practitioner
from tests import factories
from tests.two_step import app_for, verified

pytestmark = pytest.mark.django_db

TOKEN = "abcdefghijklmnopqrstuvwxyz-0123456789"


def security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "tend.security" and r.levelno == logging.WARNING
    ]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


def test_a_wrong_password_names_the_practitioner_by_number_only(
    alice: Practitioner, caplog: pytest.LogCaptureFixture
) -> None:
    HttpClient().post("/login/", {"username": alice.email, "password": "not-my-password-9"})
    HttpClient().post("/login/", {"username": "nobody@example.com", "password": "guess-1234"})

    assert security_lines(caplog) == [
        f"sign-in failed: practitioner={alice.pk} path=/login/",
        "sign-in failed: practitioner=- path=/login/",
    ]
    logged = everything_logged(caplog)  # django-axes' own lines too
    assert "example.com" not in logged and "not-my-password-9" not in logged


def test_a_paused_sign_in_is_logged(alice: Practitioner, caplog: pytest.LogCaptureFixture) -> None:
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        http.post("/login/", {"username": alice.email, "password": "not-it-at-all"})

    assert f"sign-in paused: practitioner={alice.pk} path=/login/" in security_lines(caplog)
    assert "alice@example.com" not in everything_logged(caplog)


def test_a_wrong_two_step_code_is_logged_without_the_code(
    alice: Practitioner, caplog: pytest.LogCaptureFixture
) -> None:
    http = verified(alice, app_for(alice))
    http.post("/account/two-step/off/", {"off-code": "314159"})

    assert security_lines(caplog) == [
        f"wrong two-step code: practitioner={alice.pk} path=/account/two-step/off/"
    ]
    assert "314159" not in everything_logged(caplog)


def test_a_member_refused_an_admin_page_is_logged(
    alice: Practitioner, as_alice: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert as_alice.get("/team/invite/").status_code == 403
    assert security_lines(caplog) == [f"refused: practitioner={alice.pk} path=/team/invite/"]


def test_a_record_of_another_practice_is_logged_as_refused(
    as_alice: HttpClient, alice: Practitioner, bob: Practitioner, caplog: pytest.LogCaptureFixture
) -> None:
    bobs = factories.ClientFactory(practitioner=bob)
    assert as_alice.get(f"/clients/{bobs.pk}/").status_code == 404
    assert security_lines(caplog) == [
        f"record refused: practitioner={alice.pk} path=/clients/{bobs.pk}/"
    ]


def test_a_failed_csrf_check_is_logged_with_the_token_in_the_path_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    path = f"/password-reset/MQ/{TOKEN}/"
    data = {"new_password1": "a-long-new-password-1", "new_password2": "a-long-new-password-1"}
    assert http.post(path, data).status_code == 403

    assert security_lines(caplog) == [
        "csrf failed: practitioner=- path=/password-reset/MQ/[redacted]/"
    ]
    logged = everything_logged(caplog)
    assert TOKEN not in logged and "a-long-new-password-1" not in logged


def test_a_limit_reached_is_logged_without_the_address(
    alice: Practitioner, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(4):  # three resets an hour to one address
        response = HttpClient().post("/password-reset/", {"email": alice.email})
    assert response.status_code == 429

    assert security_lines(caplog) == ["sending paused: practitioner=- path=/password-reset/"]
    assert "alice@example.com" not in everything_logged(caplog)
