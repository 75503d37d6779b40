"""Junk in any form or URL gets a calm answer, never "Something went wrong on our side".

URLs come from the URLconf and field names from every form class, so new pages and new
fields are covered without touching this file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tend.alerts import services as alert_services
from tend.alerts.forms import ReplyForm
from tend.alerts.models import Kind, Level
from tend.care.forms import SessionForm
from tend.care.models import AftercarePlan, Session
from tend.checkins.forms import CheckInForm, ClientReplyForm
from tend.checkins.models import CheckIn
from tend.clients import links
from tend.clients.forms import ClientForm, ClientPreferencesForm, FreshLinkForm
from tend.clients.models import Client
from tend.practices.forms import AccountForm, SignInForm
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db

FORMS: list[type[forms.BaseForm]] = [
    ClientForm,
    ClientPreferencesForm,
    FreshLinkForm,
    SessionForm,
    CheckInForm,
    ClientReplyForm,
    ReplyForm,
    AccountForm,
    SignInForm,
    PasswordResetForm,
    SetPasswordForm,
]
FIELDS = sorted({name for form in FORMS for name in form.base_fields} | {"next", "language"})

JUNK: list[Any] = [
    "x" * 20_000,  # very long
    "\x00",
    "a\x00b",
    "\ufffd\ufeff\u202e\u200b",  # replacement char, BOM, right-to-left override, zero width
    "💥" * 500,
    "9" * 400,  # a huge number
    "-1",
    "1e309",
    "NaN",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "24:60",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "/c/\r\nSet-Cookie: x=1",  # a header injection attempt where a path is expected
    "",
    " ",
    ["a", "b"],  # a list where one value is expected
    ["\x00", "9" * 400],
]
QUERY_JUNK: list[Any] = ["\x00", "x" * 5000, ["a", "b"], "https://evil.example/"]
RAW_BODIES = [
    b"name=%ff%fe%fd&email=%c3%28&note=%ed%a0%80&activation=%00",  # not UTF-8 at all
    b"activation=5&" + b"&".join(b"f%d=1" for d in range(500)),  # many fields
    b"%%%%&&&===",
]

ID_JUNK = [0, 10**30]
TOKEN_JUNK = ["x" * 3000, "\x00", "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")]


@pytest.fixture
def records(alice: Practitioner, carmen: Client, smtp_inbox: Inbox) -> dict[str, list[Any]]:
    """Values for each URL argument: real ones that work, and junk."""
    session = factories.SessionFactory(client=carmen)
    checkin = factories.CheckInFactory(client=carmen, session=session)
    token = links.link_create(client=carmen).rstrip("/").rsplit("/", 1)[1]
    plan = AftercarePlan.objects.create(practice=alice.practice, intensity="gentle", hours=[24])
    alert = alert_services.open_alert(carmen, Kind.CONTACT, Level.URGENT, {}, checkin=checkin)
    reply = alert_services.reply(carmen, alice, "How are you today?")
    answer = alert_services.client_wrote_back(reply, "Better, thank you.")
    return {
        "reply_id": [reply.pk, *ID_JUNK],
        "answer_id": [answer.pk, *ID_JUNK],
        "alert_id": [alert.pk, *ID_JUNK],
        "plan_id": [plan.pk, *ID_JUNK],
        "client_id": [carmen.pk, *ID_JUNK],
        "session_id": [session.pk, *ID_JUNK],
        "checkin_id": [checkin.pk, *ID_JUNK],
        "token": [token, *TOKEN_JUNK],
        "uidb64": ["MQ", "\x00", "x" * 500],
    }


def url_patterns() -> Iterator[tuple[str, list[str]]]:
    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[Any]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ":".join(filter(None, [namespace, p.namespace])))
            else:
                name = ":".join(filter(None, [namespace, p.name]))
                yield name, list(p.pattern.regex.groupindex)

    return walk(get_resolver().url_patterns, "")


def urls(records: dict[str, list[Any]]) -> Iterator[tuple[str, bool]]:
    """(url, full): every URL with real arguments gets every junk form; junk URLs fewer."""
    for name, args in url_patterns():
        if not args:
            yield reverse(name), True
            continue
        for i in range(3):
            kwargs = {arg: records[arg][min(i, len(records[arg]) - 1)] for arg in args}
            yield reverse(name, kwargs=kwargs), i == 0
    odd_paths = [
        "/clients/%00/",
        "/clients/-1/",
        "/c/signin/%ff%fe/",
        "/c/signin/%00/fresh/",
        "/" + "a" * 5000,
        "/checkins/99999999999999999999999999999999/",
        "/sessions/new/%2e%2e/",
        "/%E2%80%AE/",
    ]
    for path in odd_paths:
        yield path, False


def who(actor: str, alice: Practitioner, carmen: Client) -> HttpClient:
    if actor == "client":
        return signed_in_as(carmen)
    http = HttpClient()
    if actor == "practitioner":
        http.force_login(alice)
    return http


def attempts(url: str, full: bool) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "get", url, {}
    for junk in QUERY_JUNK if full else QUERY_JUNK[:1]:
        yield "get", url, dict.fromkeys(("next", "page", "q", "email", "token"), junk)
    for junk in JUNK if full else JUNK[:1]:
        yield "post", url, dict.fromkeys(FIELDS, junk)
    for raw in RAW_BODIES if full else RAW_BODIES[:1]:
        yield "raw", url, {"body": raw}


def send(http: HttpClient, method: str, url: str, data: dict[str, Any]) -> Any:
    if method == "get":
        return http.get(url, data)
    if method == "raw":
        return http.post(url, data["body"], content_type="application/x-www-form-urlencoded")
    return http.post(url, data)


def describe(data: dict[str, Any]) -> str:
    value = next(iter(data.values()), "")
    return repr(value)[:40]


@pytest.mark.parametrize("actor", ["anonymous", "practitioner", "client"])
def test_no_junk_anywhere_causes_a_server_error(
    actor: str,
    alice: Practitioner,
    carmen: Client,
    records: dict[str, list[Any]],
) -> None:
    failures = []
    for url, full in urls(records):
        http = who(actor, alice, carmen)  # fresh each URL: some POSTs sign out
        for method, target, data in attempts(url, full):
            try:
                response = send(http, method, target, data)
            except Exception as exc:
                failures.append(f"{method.upper()} {target[:60]} {describe(data)}: {exc!r:.200}")
                continue
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {target[:60]} {describe(data)}: 500")
    assert failures == []


def test_a_body_too_big_to_read_is_refused_not_a_crash(as_alice: HttpClient) -> None:
    response = as_alice.post("/clients/new/", {"name": "x" * 3_000_000})

    assert response.status_code == 400
    assert "That didn't come through right" in response.content.decode().replace("&#x27;", "'")


# NUL bytes: PostgreSQL can't store them, so forms must refuse them before they get there.

NUL_ERROR = "Null characters are not allowed."


def test_a_nul_byte_in_a_new_clients_name_is_refused_and_nothing_saved(
    as_alice: HttpClient,
) -> None:
    response = as_alice.post(
        "/clients/new/",
        {
            "name": "Ro\x00sa",
            "email": "rosa@example.com",
            "language": "en",
            "timezone": "UTC",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )

    assert response.status_code == 200
    assert NUL_ERROR in response.content.decode()
    assert Client.objects.count() == 0


def test_a_nul_byte_in_a_session_note_is_refused(as_alice: HttpClient, carmen: Client) -> None:
    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {
            "starts_at": "2026-01-10T10:00",
            "modality": "bodywork",
            "intensity": "gentle",
            "client_note": "rest\x00",
        },
    )

    assert response.status_code == 200
    assert NUL_ERROR in response.content.decode()
    assert Session.objects.count() == 0


@pytest.mark.parametrize("field", ["note", "need"])
def test_a_nul_byte_in_a_check_in_is_refused(as_carmen: HttpClient, field: str) -> None:
    response = as_carmen.post("/c/checkin/", {"activation": "3", field: "te\x00a"})

    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login/", {"username": "alice@example.com", "password": "pa\x00ss"}),
        ("/login/", {"username": "alice\x00@example.com", "password": "x"}),
        ("/c/signin/", {"email": "carmen\x00@example.com"}),
        ("/password-reset/", {"email": "alice@example.com\x00"}),
        ("/account/", {"name": "A\x00", "language": "en", "timezone": "UTC"}),
    ],
)
def test_a_nul_byte_in_sign_in_and_account_forms_is_refused(
    alice: Practitioner, carmen: Client, smtp_inbox: Inbox, url: str, data: dict[str, str]
) -> None:
    http = HttpClient()
    if url == "/account/":
        http.force_login(alice)

    response = http.post(url, data)

    assert response.status_code == 200
    assert 'class="error' in response.content.decode()
    assert smtp_inbox.messages == []
    assert Practitioner.objects.get(pk=alice.pk).name == "Alice Moreno"


@pytest.mark.parametrize(
    ("zone", "when"),
    [
        ("Pacific/Kiritimati", "0001-01-01T00:00"),  # UTC+14: before the year 1 in UTC
        ("Pacific/Pago_Pago", "9999-12-31T23:59"),  # UTC-11: after the year 9999 in UTC
        ("UTC", "0001-01-01T00:00"),
        ("UTC", "9999-12-31T23:59"),
    ],
)
def test_a_session_date_at_the_edge_of_the_calendar_is_refused_calmly(
    as_alice: HttpClient, alice: Practitioner, carmen: Client, zone: str, when: str
) -> None:
    alice.timezone = zone
    alice.save()

    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {"starts_at": when, "modality": "bodywork", "intensity": "gentle"},
    )

    assert response.status_code == 200
    assert re.search(r'id="id_starts_at_error">[^<]+', response.content.decode())
    assert Session.objects.count() == 0


def test_a_sensible_session_date_still_works(as_alice: HttpClient, carmen: Client) -> None:
    when = (dt.date.today() - dt.timedelta(days=400)).isoformat() + "T10:00"

    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {"starts_at": when, "modality": "bodywork", "intensity": "gentle"},
    )

    assert response.status_code == 302
