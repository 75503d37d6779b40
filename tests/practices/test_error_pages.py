"""Tend's own calm 404 and 500 pages, in development (DEBUG on) as in production."""

from __future__ import annotations

import html
import logging
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.practices.models import Practitioner


@pytest.fixture
def debug(settings: Any) -> Any:
    settings.DEBUG = True
    return settings


@pytest.mark.django_db
def test_a_missing_page_in_development_is_tends_own_not_djangos(
    debug: Any, client: HttpClient
) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = html.unescape(response.content.decode())
    assert "We couldn't find that page" in page
    assert "DEBUG = True" not in page and "URLconf" not in page


def test_a_missing_record_in_development_is_tends_own_page(debug: Any, alice: Practitioner) -> None:
    http = HttpClient()
    http.force_login(alice)
    response = http.get("/clients/999999/")
    assert response.status_code == 404
    page = html.unescape(response.content.decode())
    assert "We couldn't find that page" in page
    assert "Traceback" not in page and "DEBUG = True" not in page


@pytest.mark.django_db
def test_a_missing_slash_still_redirects_in_development(debug: Any, client: HttpClient) -> None:
    response = client.get("/clients")
    assert response.status_code == 301
    assert response["Location"] == "/clients/"


@pytest.mark.django_db
@pytest.mark.urls("tests.practices.boom_urls")
def test_a_failure_in_development_shows_the_calm_page_and_logs_the_traceback(
    debug: Any, caplog: pytest.LogCaptureFixture
) -> None:
    http = HttpClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = http.get("/boom/", headers={"accept": "text/html"})
    assert response.status_code == 500
    page = html.unescape(response.content.decode())
    assert "Something went wrong on our side" in page
    assert "the boom page always fails" not in page and "Traceback" not in page
    # The developer still has every detail, in the console where `tend run` runs.
    failure = next(r for r in caplog.records if r.getMessage().startswith("Internal Server Error"))
    assert failure.exc_info is not None
    assert "the boom page always fails" in str(failure.exc_info[1])


@pytest.mark.django_db
@pytest.mark.urls("tests.practices.boom_urls")
def test_a_failure_without_debug_shows_the_same_calm_page(client: HttpClient) -> None:
    http = HttpClient(raise_request_exception=False)
    response = http.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
