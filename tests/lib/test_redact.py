"""No token reaches a log line: the request lines of `tend run` and the errors Django logs
go through the console handler's filter, which redacts every link's token."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.tokens import default_token_generator

from tend.checkins import answer_links
from tend.clients import links
from tend.clients.models import Client
from tend.lib.redact import RedactTokens

pytestmark = pytest.mark.django_db


def handler_of(name: str) -> logging.StreamHandler[io.TextIOWrapper]:
    """The one handler a record of this logger ends at, checked to redact."""
    logger = logging.getLogger(name)
    while not logger.handlers and logger.parent is not None:
        logger = logger.parent
    # (pytest adds its own capturing handlers to the root: ours is the plain StreamHandler)
    [handler] = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    assert any(isinstance(f, RedactTokens) for f in handler.filters)
    return handler


def written(logger: str, message: str, *args: object) -> str:
    handler = handler_of(logger)
    stream = io.StringIO()
    before = handler.setStream(stream)
    try:
        logging.getLogger(logger).error(message, *args)
    finally:
        handler.setStream(before)  # type: ignore[arg-type]
    return stream.getvalue()


def test_request_lines_and_errors_never_carry_a_links_token(dana: Client) -> None:
    signin = links.link_create(client=dana).split("127.0.0.1:8000", 1)[-1]
    tap = answer_links.answer_url(1, "settled").split("127.0.0.1:8000", 1)[-1]
    reset = f"/password-reset/MQ/{default_token_generator.make_token(dana.practitioner)}/"
    for path in (signin, signin + "fresh/", tap, reset):
        token = next(part for part in path.split("/") if len(part) >= 20)
        server = written("django.server", '"%s" %s %s', f"GET {path} HTTP/1.1", 200, 512)
        error = written("django.request", "Internal Server Error: %s", path)
        for line in (server, error):
            assert token not in line
            assert "[redacted]" in line
    assert '] "GET /c/signin/[redacted]/ HTTP/1.1" 200 512' in written(
        "django.server", '"%s" %s %s', f"GET {signin} HTTP/1.1", 200, 512
    )


def test_ordinary_lines_are_left_as_they_were() -> None:
    line = written("tend.worker", "Sent %d follow-ups to /c/path/my-data.json", 12)
    assert line == "Sent 12 follow-ups to /c/path/my-data.json\n"
