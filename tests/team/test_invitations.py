"""An admin invites a colleague by email; the link works once, for seven days, and the
colleague who opens it chooses their name, password and language and is in the practice."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from tend.practices.models import Invitation, Practitioner
from tests import factories
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

PASSWORD = "slow-river-stones-81"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def admin(alice: Practitioner) -> Practitioner:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    return alice


@pytest.fixture
def as_admin(admin: Practitioner) -> HttpClient:
    http = HttpClient()
    http.force_login(admin)
    return http


def invite(http: HttpClient, email: str, role: str = "member", language: str = "en") -> Any:
    return http.post("/team/invite/", {"email": email, "role": role, "language": language})


def emailed_link(inbox: Inbox, email: str) -> str:
    run_worker()
    message = inbox.to(email)[-1]
    [link] = [u for u in inbox.links(message) if "/team/join/" in u]
    return re.sub(r"^https?://[^/]+", "", link)


def join(path: str, name: str = "Luis Ortega", password: str = PASSWORD, **more: str) -> Any:
    http = HttpClient()
    data = {"name": name, "language": "en", "timezone": "Europe/Madrid"}
    data |= {"password1": password, "password2": password} | more
    response = http.post(path, data)
    response.http = http  # type: ignore[attr-defined]
    return response


def test_an_invited_colleague_gets_the_email_joins_and_sees_their_empty_queue(
    as_admin: HttpClient, admin: Practitioner, smtp_inbox: Inbox
) -> None:
    sent = invite(as_admin, "Luis@Example.com")

    assert sent["Location"] == "/team/"
    page = text(as_admin.get("/team/"))
    assert "The invitation is on its way to luis@example.com" in page
    assert "Invitations waiting for an answer" in page and "luis@example.com" in page
    assert "email waiting to go out" in page
    assert smtp_inbox.messages == []  # the page never talks to the mail server: the worker does
    path = emailed_link(smtp_inbox, "luis@example.com")
    assert "email sent" in text(as_admin.get("/team/"))
    [message] = smtp_inbox.messages
    assert "Alice Moreno has invited you to join" in str(message["Subject"])
    assert "works once, for 7 days" in smtp_inbox.text(message)

    opened = HttpClient().get(path)
    assert opened.status_code == 200
    assert "You'll sign in as luis@example.com" in text(opened)
    joined = join(path, language="es")

    assert joined["Location"] == "/"
    luis = Practitioner.objects.get(email="luis@example.com")
    assert luis.practice_id == admin.practice_id
    assert luis.role == Practitioner.Role.MEMBER
    assert (luis.name, luis.language, luis.timezone) == ("Luis Ortega", "es", "Europe/Madrid")
    queue = text(joined.http.get("/"))
    assert "Te damos la bienvenida a Practice" in queue  # in the language they chose
    assert "Luis Ortega" in text(joined.http.get("/account/"))
    # And from now on with their password, like everyone else.
    again = HttpClient().post("/login/", {"username": "luis@example.com", "password": PASSWORD})
    assert again["Location"] == "/"


def test_the_invitation_email_is_in_the_language_the_admin_chose(
    as_admin: HttpClient, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "marta@example.com", role="admin", language="es")

    run_worker()

    [message] = smtp_inbox.to("marta@example.com")
    assert "te ha invitado" in str(message["Subject"])
    assert "administradora" in smtp_inbox.text(message) or "admin" in smtp_inbox.text(message)


def test_an_invitation_works_once(as_admin: HttpClient, smtp_inbox: Inbox) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")
    assert join(path)["Location"] == "/"

    second = join(path, name="Someone Else", password="another-long-password-7")

    assert second.status_code == 410
    assert "This invitation has already been used" in text(second)
    assert "Nothing has been changed." in text(second)
    assert Practitioner.objects.get(email="luis@example.com").name == "Luis Ortega"
    assert HttpClient().get(path).status_code == 410


def test_an_invitation_runs_out_after_seven_days_and_says_to_ask_for_a_new_one(
    as_admin: HttpClient, admin: Practitioner, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")

    with time_machine.travel(timezone.now() + dt.timedelta(days=6, hours=23)):
        assert HttpClient().get(path).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        opened = HttpClient().get(path)
        tried = join(path)
        back = HttpClient()  # a week later the admin signs in again (idle sign-out)
        back.force_login(admin)
        waiting = text(back.get("/team/"))

    assert opened.status_code == tried.status_code == 410
    assert "This invitation is too old now" in text(tried)
    assert "ask the person who invited you to send a new one" in text(tried)
    assert "ran out: invite them again" in waiting
    assert not Practitioner.objects.filter(email="luis@example.com").exists()


def test_an_altered_link_is_not_recognised_and_changes_nothing(
    as_admin: HttpClient, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")
    altered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]

    response = join(altered)

    assert response.status_code == 404
    assert "We don't recognise this invitation" in text(response)
    assert not Practitioner.objects.filter(email="luis@example.com").exists()
    assert join(path)["Location"] == "/"  # the real one still works


def test_inviting_again_replaces_the_older_invitation(
    as_admin: HttpClient, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "luis@example.com")
    first = emailed_link(smtp_inbox, "luis@example.com")
    invite(as_admin, "luis@example.com", role="admin")
    second = emailed_link(smtp_inbox, "luis@example.com")

    old = join(first)

    assert old.status_code == 410
    assert "This invitation was withdrawn" in text(old)
    waiting = text(as_admin.get("/team/")).split("Invitations waiting")[1]
    assert waiting.count("luis@example.com") == 1
    assert join(second)["Location"] == "/"
    assert Practitioner.objects.get(email="luis@example.com").role == "admin"


def test_an_admin_can_withdraw_an_invitation(as_admin: HttpClient, smtp_inbox: Inbox) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")
    invitation = Invitation.objects.get()

    withdrawn = as_admin.post(f"/team/invitations/{invitation.pk}/withdraw/", follow=True)

    assert "its link no longer works" in text(withdrawn)
    assert "luis@example.com" not in text(as_admin.get("/team/")).split("Invitations waiting")[1]
    assert "This invitation was withdrawn" in text(join(path))
    assert not Practitioner.objects.filter(email="luis@example.com").exists()


def test_an_address_already_on_the_team_cannot_be_invited(
    as_admin: HttpClient, admin: Practitioner, bob: Practitioner, smtp_inbox: Inbox
) -> None:
    colleague = factories.PractitionerFactory(practice=admin.practice, email="luis@example.com")

    for email in (colleague.email, "LUIS@example.com", bob.email):
        response = invite(as_admin, email)
        assert response.status_code == 200
        assert "already has a Tend account" in text(response)

    assert Invitation.objects.count() == 0
    run_worker()
    assert smtp_inbox.messages == []


def test_an_invitation_for_someone_who_joined_meanwhile_says_so(
    as_admin: HttpClient, admin: Practitioner, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")
    factories.PractitionerFactory(email="luis@example.com")  # joined another practice

    response = join(path)

    assert response.status_code == 409
    assert "You already have a Tend account" in text(response)
    assert Invitation.objects.get().used_at is None


def test_a_weak_password_is_refused_with_djangos_checks_and_the_link_still_works(
    as_admin: HttpClient, smtp_inbox: Inbox
) -> None:
    invite(as_admin, "luis@example.com")
    path = emailed_link(smtp_inbox, "luis@example.com")

    weak = join(path, password="password")
    short = join(path, password="river-bank7")  # 11 characters
    different = join(path, password2="not-the-same-at-all-9")

    assert weak.status_code == 200
    assert "This password is too common." in text(weak)
    assert "It must contain at least 12 characters." in text(short)
    assert "The two passwords don't match." in text(different)
    assert not Practitioner.objects.filter(email="luis@example.com").exists()
    assert join(path)["Location"] == "/"


def test_a_member_sees_the_team_but_cannot_invite_or_change_it(
    admin: Practitioner, smtp_inbox: Inbox
) -> None:
    member = factories.PractitionerFactory(practice=admin.practice, name="Luis Ortega")
    factories.ClientFactory(practitioner=member)
    http = HttpClient()
    http.force_login(member)

    page = text(http.get("/team/"))

    assert "Alice Moreno" in page and "Luis Ortega" in page
    assert "Invite a colleague" not in page and "Invitations waiting" not in page
    assert f'href="/team/{admin.pk}/"' not in page
    assert 'href="/team/"' not in text(http.get("/"))  # the nav link is for admins
    assert http.get("/team/invite/").status_code == 403
    assert invite(http, "someone@example.com").status_code == 403
    assert http.get(f"/team/{admin.pk}/").status_code == 403
    assert Invitation.objects.count() == 0


def test_the_team_page_shows_each_persons_role_clients_and_cover(
    as_admin: HttpClient, admin: Practitioner
) -> None:
    luis = factories.PractitionerFactory(
        practice=admin.practice, name="Luis Ortega", email="luis@example.com", covered_by=admin
    )
    off = factories.PractitionerFactory(
        practice=admin.practice, name="Noor Haddad", is_active=False
    )
    for _ in range(3):
        factories.ClientFactory(practitioner=luis)

    page = text(as_admin.get("/team/"))
    nav = text(as_admin.get("/"))

    assert 'href="/team/"' in nav
    luis_card = page.split(f'id="person-{luis.pk}"')[1].split("</li>")[0]
    assert "luis@example.com" in luis_card
    assert "Practitioner" in luis_card  # the member role's name
    assert "<dd>3</dd>" in luis_card
    assert "Alice Moreno" in luis_card  # covers for him
    off_card = page.split(f'id="person-{off.pk}"')[1].split("</li>")[0]
    assert "no: switched off" in off_card
    alice_card = page.split(f'id="person-{admin.pk}"')[1].split("</li>")[0]
    assert "Admin" in alice_card and "(you)" in alice_card
