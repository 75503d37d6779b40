"""Admins change roles, switch a colleague off (handing over everything they held, on the
record) and on again, and move a client to another practitioner."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.alerts import services as alerts
from tend.alerts.models import Alert, AlertEvent, Kind, Level
from tend.clients.models import Client
from tend.practices.models import Move, Practitioner
from tend.team import members
from tests import factories

pytestmark = pytest.mark.django_db

Admin, Member = Practitioner.Role.ADMIN, Practitioner.Role.MEMBER


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@dataclass
class Team:
    ana: Practitioner  # admin
    luis: Practitioner  # member with clients
    noor: Practitioner  # member, covered by Luis
    maya: Client  # Luis's
    tom: Client  # Luis's
    alert: Alert  # open, about Maya, held by Luis

    def http(self, who: Practitioner) -> HttpClient:
        http = HttpClient()
        http.force_login(who)
        return http


@pytest.fixture
def team(db: None) -> Team:
    ana = factories.PractitionerFactory(name="Ana Rivera", email="ana@example.com", role=Admin)
    practice = ana.practice
    luis = factories.PractitionerFactory(
        practice=practice, name="Luis Ortega", email="luis@example.com", covered_by=ana
    )
    noor = factories.PractitionerFactory(
        practice=practice, name="Noor Haddad", email="noor@example.com", covered_by=luis
    )
    maya = factories.ClientFactory(practitioner=luis, name="Maya Thompson")
    tom = factories.ClientFactory(practitioner=luis, name="Tom Reyes")
    alert = alerts.open_alert(maya, Kind.CONTACT, Level.URGENT, {})
    assert alert.responsible_id == luis.pk
    return Team(ana, luis, noor, maya, tom, alert)


def fresh(person: Practitioner) -> Practitioner:
    return Practitioner.objects.get(pk=person.pk)


# Roles ---------------------------------------------------------------------------------


def test_an_admin_makes_a_colleague_an_admin_and_back(team: Team) -> None:
    http = team.http(team.ana)

    made = http.post(f"/team/{team.luis.pk}/role/", {"role": "admin"}, follow=True)

    assert "Luis Ortega is now: Admin." in text(made)
    assert fresh(team.luis).role == Admin
    assert 'href="/team/"' in text(team.http(team.luis).get("/"))
    http.post(f"/team/{team.luis.pk}/role/", {"role": "member"})
    assert fresh(team.luis).role == Member


def test_nobody_changes_their_own_role(team: Team) -> None:
    http = team.http(team.ana)

    page = text(http.get(f"/team/{team.ana.pk}/"))
    tried = http.post(f"/team/{team.ana.pk}/role/", {"role": "member"}, follow=True)

    assert "Change role" not in page
    assert "Nobody changes their own role" in text(tried)
    assert fresh(team.ana).role == Admin


def test_the_last_admin_cannot_be_demoted_or_switched_off(team: Team) -> None:
    # Two admins demote each other at the same moment: the second finds Ana the last admin.
    Practitioner.objects.filter(pk=team.luis.pk).update(role=Admin)
    luis = fresh(team.luis)
    team.http(team.ana).post(f"/team/{luis.pk}/role/", {"role": "member"})
    assert fresh(luis).role == Member

    with pytest.raises(members.Refused, match="only admin"):
        members.change_role(team.ana, Member, by=luis)
    with pytest.raises(members.Refused, match="only admin"):
        members.deactivate(team.ana, to=luis, by=luis)

    assert fresh(team.ana).role == Admin and fresh(team.ana).is_active
    # Through the pages, Luis (a member now) can't even try.
    assert team.http(luis).post(f"/team/{team.ana.pk}/role/", {"role": "member"}).status_code == 403


def test_an_admin_cannot_switch_themselves_off(team: Team) -> None:
    http = team.http(team.ana)

    tried = http.post(f"/team/{team.ana.pk}/deactivate/", {"colleague": team.luis.pk}, follow=True)

    assert "You can't switch yourself off" in text(tried)
    assert fresh(team.ana).is_active
    assert Client.objects.filter(practitioner=team.ana).count() == 0


# Switching off -------------------------------------------------------------------------


def test_switching_someone_off_hands_everything_to_the_chosen_colleague_on_the_record(
    team: Team,
) -> None:
    luis_browser = team.http(team.luis)
    assert luis_browser.get("/").status_code == 200
    away_with_luis = factories.PractitionerFactory(
        practice=team.ana.practice, name="Sam Lee", away_cover=team.luis
    )
    http = team.http(team.ana)

    done = http.post(f"/team/{team.luis.pk}/deactivate/", {"colleague": team.ana.pk}, follow=True)

    page = text(done)
    assert "Luis Ortega is switched off and can no longer sign in." in page
    assert "2 clients and 1 open alert went to Ana Rivera." in page
    # His session has ended, and his password no longer lets him in.
    assert luis_browser.get("/")["Location"].startswith("/login/")
    refused = HttpClient().post(
        "/login/", {"username": "luis@example.com", "password": factories.PASSWORD}
    )
    assert "This account is switched off. Please ask your practice's admin." in text(refused)
    # Everything he held is Ana's now.
    assert set(Client.objects.filter(practitioner=team.ana)) == {team.maya, team.tom}
    assert Alert.objects.get(pk=team.alert.pk).responsible_id == team.ana.pk
    assert AlertEvent.objects.filter(alert=team.alert, practitioner=team.ana).exists()
    assert fresh(team.noor).covered_by_id == team.ana.pk
    assert fresh(away_with_luis).away_cover_id is None
    # Every move is on the record: who, what (by id), from whom, to whom.
    moved = {
        (m.what, m.record_id, m.from_practitioner_id, m.to_practitioner_id, m.by_id, m.why)
        for m in Move.objects.all()
    }
    off = Move.Why.DEACTIVATED
    luis, ana = team.luis.pk, team.ana.pk
    assert moved == {
        ("client", team.maya.pk, luis, ana, ana, off),
        ("client", team.tom.pk, luis, ana, ana, off),
        ("alert", team.alert.pk, luis, ana, ana, off),
        ("cover", team.noor.pk, luis, ana, ana, off),
        ("away_cover", away_with_luis.pk, luis, None, ana, off),
    }
    # The team page, his own page and the client's page say so.
    assert "no: switched off" in text(http.get("/team/"))
    his_page = text(http.get(f"/team/{team.luis.pk}/"))
    assert f"Client {team.maya.pk}</a>: from Luis Ortega to Ana Rivera, by Ana Rivera" in his_page
    assert "Usual cover (Noor Haddad): from Luis Ortega to Ana Rivera" in his_page
    assert "Switch on again" in his_page
    client_page = text(http.get(f"/clients/{team.maya.pk}/"))
    assert "Moved from Luis Ortega to Ana Rivera by Ana" in client_page


def test_the_colleague_who_takes_over_must_be_active_and_in_the_practice(
    team: Team, bob: Practitioner
) -> None:
    off = factories.PractitionerFactory(practice=team.ana.practice, is_active=False)
    http = team.http(team.ana)

    for chosen in (off.pk, bob.pk, team.luis.pk, "", "nobody"):
        response = http.post(f"/team/{team.luis.pk}/deactivate/", {"colleague": chosen})
        assert response.status_code == 200
        assert "Nothing has been changed. Please choose who takes over." in text(response)

    assert fresh(team.luis).is_active
    assert Client.objects.filter(practitioner=team.luis).count() == 2
    assert not Move.objects.exists()


def test_switched_on_again_they_sign_in_afresh_and_old_sessions_stay_ended(team: Team) -> None:
    old_browser = team.http(team.luis)
    http = team.http(team.ana)
    http.post(f"/team/{team.luis.pk}/deactivate/", {"colleague": team.noor.pk})

    back = http.post(f"/team/{team.luis.pk}/reactivate/", follow=True)

    assert "Luis Ortega is switched on again and can sign in." in text(back)
    assert old_browser.get("/")["Location"].startswith("/login/")
    signed_in = HttpClient()
    response = signed_in.post(
        "/login/", {"username": "luis@example.com", "password": factories.PASSWORD}
    )
    assert response["Location"] == "/"
    assert signed_in.get("/").status_code == 200
    assert Client.objects.filter(practitioner=team.noor).count() == 2  # stay where they went


def test_a_member_cannot_switch_anyone_off_or_move_a_client(team: Team) -> None:
    http = team.http(team.noor)

    assert (
        http.post(f"/team/{team.luis.pk}/deactivate/", {"colleague": team.noor.pk}).status_code
        == 403
    )
    assert http.post(f"/team/{team.luis.pk}/reactivate/").status_code == 403
    assert http.get(f"/team/clients/{team.maya.pk}/move/").status_code == 403
    assert (
        http.post(f"/team/clients/{team.maya.pk}/move/", {"colleague": team.noor.pk}).status_code
        == 403
    )
    assert fresh(team.luis).is_active
    assert not Move.objects.exists()


# Moving a client -----------------------------------------------------------------------


def test_an_admin_moves_a_client_and_the_client_page_shows_the_history(team: Team) -> None:
    http = team.http(team.ana)
    page = text(http.get(f"/clients/{team.maya.pk}/"))
    assert f'href="/team/clients/{team.maya.pk}/move/"' in page

    moved = http.post(f"/team/clients/{team.maya.pk}/move/", {"colleague": team.noor.pk})

    assert moved["Location"] == f"/clients/{team.maya.pk}/"
    page = text(http.get(moved["Location"]))
    assert "Maya Thompson is now with Noor Haddad." in page
    assert "Moved from Luis Ortega to Noor Haddad by Ana" in page
    assert Client.objects.get(pk=team.maya.pk).practitioner_id == team.noor.pk
    assert Alert.objects.get(pk=team.alert.pk).responsible_id == team.noor.pk
    assert Client.objects.get(pk=team.tom.pk).practitioner_id == team.luis.pk  # only Maya
    assert {(m.what, m.record_id) for m in Move.objects.all()} == {
        ("client", team.maya.pk),
        ("alert", team.alert.pk),
    }
    assert "Maya" not in str(list(Move.objects.values()))  # ids, never a client's words


def test_moving_a_client_to_someone_switched_off_is_refused(team: Team) -> None:
    off = factories.PractitionerFactory(practice=team.ana.practice, is_active=False)
    http = team.http(team.ana)

    response = http.post(f"/team/clients/{team.maya.pk}/move/", {"colleague": off.pk})

    assert response.status_code == 200
    assert "Nothing has been changed. Please choose a colleague." in text(response)
    assert Client.objects.get(pk=team.maya.pk).practitioner_id == team.luis.pk
    assert not Move.objects.exists()


def test_a_move_once_recorded_is_never_changed(team: Team) -> None:
    members.move_client(team.tom, to=team.noor, by=team.ana)
    move = Move.objects.get()

    move.to_practitioner = team.ana
    with pytest.raises(ValueError, match="never changed"):
        move.save()
