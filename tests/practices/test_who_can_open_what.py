"""Who can open what: every URL in the URLconf, found by walking it, for seven people.

- anonymous: nobody signed in;
- client: Carmen, a client of Alice's; other client: Dana, another client of Alice's;
- member: Alice, Carmen's practitioner, not an admin; colleague: Cole, a member of the same
  practice who is not Carmen's practitioner; admin: Ada, who runs that practice;
- other practice: Bob, an admin of a practice of his own.

A new view is covered without editing this file: its URL is filled in from the records
below (or a made-up token), and it is held to its kind's rules. It is a practitioner's page
unless its path is a client's (`/c/`, `/a/`, `/p/`, `/q/`) or its name is in `OPEN`, and
any practitioner of the practice may use it unless its name is in `ADMIN_ONLY`. The
tenancy matrix (test_tenancy.py) proves each record page works for its owner with a real
form; this file proves who is kept out of every page, and that being kept out changes
nothing, sends nothing and never fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as
from tests.practices.test_tenancy import RECORD_KWARGS, World, everything, url_patterns, world
from tests.smtp import Inbox

__all__ = ["world"]  # the tenancy matrix's fixture, shared

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in (each refuses what it should on its own), besides
# the links sent by email, whose token is their key: a made-up one finds nothing.
OPEN = {
    "login",
    "health",
    "client:signin",
    "safety:help",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "team:join",
}
# A client's pages: their own space, and the links sent to them by email.
CLIENT_PATH = re.compile(r"^(c|a|p|q)/")
# Pages only a practice's admins may use; members are refused and nothing changes.
ADMIN_ONLY = {
    "practice:settings",
    "care:plan_add",
    "care:plan_edit",
    "care:plan_delete",
    "library:add",
    "library:edit",
    "library:remove",
    "assessments:questionnaire_add",
    "assessments:questionnaire_edit",
    "team:member",
    "team:reset_two_step",
    "records:client_trail",
    "records:client_trail_csv",
    "records:erase",
    "records:export",
    "team:invite",
    "team:role",
    "team:deactivate",
    "team:reactivate",
    "team:withdraw",
    "team:move_client",
    "safety:crisis_line_remove",
}
# Records one client owns: another client of the same practice is kept out of them.
CLIENTS_OWN = {"checkin_id", "answer_id", "reply_id", "entry_id", "administration_id"}
TOKEN = "not-a-real-token"
ROLES = ("anonymous", "client", "other client", "member", "colleague", "admin", "other practice")


def _kwargs(world: World, route: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if name in RECORD_KWARGS:
            values[name] = world.records[RECORD_KWARGS[name]]
        elif name in ("token", "uidb64"):
            values[name] = TOKEN
        else:
            raise AssertionError(f"{route}: tell this test what to put in <{name}>")
    return values


def pages(world: World) -> Iterator[tuple[str, str, str]]:
    """(name, route, url) for every named URL outside Django's own admin."""
    for name, route in url_patterns():
        if name.startswith("admin:") or not name:
            continue
        yield name, route, reverse(name, kwargs=_kwargs(world, route) or None)


def kind(name: str, route: str) -> str:
    if name in OPEN or "<str:token>" in route:  # a link's token is its own key
        return "open"
    if CLIENT_PATH.match(route):
        return "client"
    return "admin" if name in ADMIN_ONLY else "practitioner"


def _as(world: World, role: str) -> HttpClient:
    http = HttpClient()
    if role == "client":
        return signed_in_as(world.carmen)
    if role == "other client":
        return signed_in_as(world.dana)
    who = {
        "member": world.alice,
        "colleague": Practitioner.objects.get(pk=world.records["colleague"]),
        "admin": Practitioner.objects.get(email="ada@example.com"),
        "other practice": world.bob,
    }.get(role)
    if who is not None:
        http.force_login(who)
    return http


@pytest.fixture
def team(world: World) -> World:
    """Alice is a member (the tenancy matrix made her an admin); Ada runs the practice."""
    Practitioner.objects.filter(pk=world.alice.pk).update(role=Practitioner.Role.MEMBER)
    factories.PractitionerFactory(
        practice=world.alice.practice,
        name="Ada Admin",
        email="ada@example.com",
        role=Practitioner.Role.ADMIN,
    )
    return world


def _signs_in(response: Any) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith("/login/")
        or location.startswith(reverse("client:signin"))
        or location == reverse("checkins:home")  # a client who opens Tend's front page
    )


def _failed(name: str, response: Any) -> bool:
    """A server error; the health check's 503 (no worker in tests) is its answer, not one."""
    return response.status_code >= 500 and not (name == "health" and response.status_code == 503)


def _refused(response: Any) -> bool:
    return _signs_in(response) or response.status_code in (403, 404, 405)


def _names_a_clients_record(route: str) -> bool:
    return any(f"<int:{name}>" in route for name in CLIENTS_OWN)


def expect(role: str, name: str, route: str) -> str:
    """What `role` may do at this page: "use" it, be "refused", or "no record" (404)."""
    what = kind(name, route)
    practitioner = role in ("member", "colleague", "admin", "other practice")
    names_a_record = any(f"<int:{key}>" in route for key in RECORD_KWARGS)
    if what == "open":
        return "use"
    if what == "client":
        if role == "client":
            return "use"
        if role == "other client":
            return "no record" if _names_a_clients_record(route) else "use"
        return "refused"
    if role == "other practice" and names_a_record:
        return "no record"
    if not practitioner:
        return "refused"
    if what == "admin" and role in ("member", "colleague"):
        return "refused"
    return "use"


def test_every_page_is_somebodys() -> None:
    """The walk finds the pages this file names, so a renamed page can't slip out of it."""
    names = {name for name, _ in url_patterns()}
    assert names >= OPEN | ADMIN_ONLY, (OPEN | ADMIN_ONLY) - names
    assert len(names) > 80


@pytest.mark.parametrize("role", ROLES)
def test_who_can_open_what(team: World, smtp_inbox: Inbox, role: str) -> None:
    world = team
    http = _as(world, role)
    found = list(pages(world))
    wrong = []
    # Every page read first, while each record is still there.
    for name, route, url in found:
        response = http.get(url)
        expected = expect(role, name, route)
        page = response.content.decode(errors="replace")
        if _failed(name, response):
            wrong.append(f"GET {name}: {response.status_code}")
        elif expected == "refused" and not _refused(response):
            wrong.append(f"GET {name}: {response.status_code}, should be refused")
        elif expected == "no record" and response.status_code not in (404, 405):
            wrong.append(f"GET {name}: {response.status_code}, should be not found")
        elif expected == "use" and response.status_code in (403, 404) and "<str:" not in route:
            wrong.append(f"GET {name}: {response.status_code}, should open")
        outside = role in ("other practice", "anonymous") and kind(name, route) != "open"
        if outside and ("Carmen" in page or "Alice" in page):
            wrong.append(f"GET {name}: shows Alice's practice to {role}")
        http = _as(world, role) if name in ("logout", "client:signout") else http
    assert not wrong, "\n".join(wrong)

    # Then every page is sent a POST; whoever is kept out changes nothing and sends nothing.
    before = everything()
    for name, route, url in found:
        if name in ("logout", "client:signout"):
            continue
        response = http.post(url, {"anything": "at all"})
        expected = expect(role, name, route)
        if _failed(name, response):
            wrong.append(f"POST {name}: {response.status_code}")
        elif expected == "refused" and not _refused(response):
            wrong.append(f"POST {name}: {response.status_code}, should be refused")
        elif expected == "no record" and response.status_code not in (404, 405):
            wrong.append(f"POST {name}: {response.status_code}, should be not found")
    assert not wrong, "\n".join(wrong)
    if role in ("anonymous", "other practice"):  # Dana may mark her own practice done
        assert everything() == before
        assert smtp_inbox.messages == []
