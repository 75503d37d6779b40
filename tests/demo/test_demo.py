"""`tend demo` makes a believable practice to look around in, once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.test import Client as HttpClient
from django.utils import timezone

from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.demo import data as demo
from tend.practices.models import Practice, Practitioner

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "practices": Practice.objects.count(),
        "practitioners": Practitioner.objects.count(),
        "clients": Client.objects.count(),
        "sessions": Session.objects.count(),
        "checkins": CheckIn.objects.count(),
    }


def test_demo_creates_a_practice_with_twelve_clients_and_three_months_of_care() -> None:
    assert "Demo practice created." in run_demo()

    [practice] = Practice.objects.all()
    ana = Practitioner.objects.get(email=demo.EMAIL)
    assert ana.practice == practice
    clients = Client.objects.filter(practice=practice)
    assert clients.count() == 12
    assert set(clients.values_list("language", flat=True)) == {"en", "es"}
    assert Practitioner.objects.filter(practice=practice).count() == 3
    for person in Practitioner.objects.filter(practice=practice):
        assert clients.filter(practitioner=person).count() >= 3, person.name
    assert len(set(clients.values_list("email", flat=True))) == 12

    now = timezone.now()
    span = Session.objects.filter(practice=practice).aggregate(Min("starts_at"), Max("starts_at"))
    assert span["starts_at__min"] <= now - dt.timedelta(days=80)
    assert span["starts_at__min"] >= now - dt.timedelta(days=100)
    assert span["starts_at__max"] > now  # one planned session
    assert Session.objects.filter(starts_at__gt=now).count() == 1
    assert CheckIn.objects.filter(practice=practice).count() > 20
    assert CheckIn.objects.filter(answered_at__gt=now).count() == 0
    assert CheckIn.objects.filter(wants_contact=True).exists()


def test_demo_check_ins_follow_their_own_clients_sessions() -> None:
    run_demo()

    checkins = CheckIn.objects.select_related("session")
    assert all(c.session is not None for c in checkins)
    assert all(c.session.client_id == c.client_id for c in checkins)
    answered = checkins.filter(state=State.ANSWERED)
    assert all(c.answered_at > c.session.starts_at for c in answered)
    assert all(0 <= c.activation <= 10 for c in answered)
    # Follow-up as Tend runs it: some answered, some missed, some still to come.
    states = set(checkins.values_list("state", flat=True))
    assert {State.ANSWERED, State.MISSED, State.SCHEDULED, State.SENT} <= states
    assert not checkins.filter(state=State.SCHEDULED, due_at__lte=timezone.now()).exists()


def test_demo_notes_are_in_each_clients_language() -> None:
    run_demo()

    lucia = Client.objects.get(name="Lucía Fernández")
    maya = Client.objects.get(name="Maya Thompson")
    assert all(s.client_note in demo.NOTES["es"] for s in lucia.sessions.all())
    assert all(s.client_note in demo.NOTES["en"] for s in maya.sessions.all())


def test_running_the_demo_twice_does_not_duplicate_anything() -> None:
    run_demo()
    first = counts()

    assert "already there" in run_demo()

    assert counts() == first


def test_resetting_the_demo_replaces_it_without_touching_other_practices(
    alice: Practitioner,
) -> None:
    run_demo()
    before = counts()

    assert "Demo practice created." in run_demo("--reset")

    assert counts() == before
    assert Practitioner.objects.filter(pk=alice.pk).exists()


def test_the_demo_login_works_and_shows_who_needs_attention_and_every_client() -> None:
    run_demo()
    http = HttpClient()

    response = http.post("/login/", {"username": demo.EMAIL, "password": demo.PASSWORD})

    assert response["Location"] == "/"
    queue = http.get("/").content.decode()
    assert "Tom Reyes" in queue  # asked to be reached out to, at 10 of 10
    assert "asked you to reach out" in queue
    page = http.get("/clients/").content.decode()
    assert "Maya Thompson" in page
    assert "Elena Morales" in page


def test_the_demo_welcome_lines_give_working_sign_in_links() -> None:
    run_demo()

    lines = demo.welcome_lines()

    assert lines[0] == f"Practitioner sign-in: {demo.EMAIL} / {demo.PASSWORD}"
    urls = [line.rsplit(" ", 1)[1] for line in lines if "link" in line]
    assert len(urls) == 2
    for url in urls:
        http = HttpClient()
        assert http.post(url)["Location"] == "/c/"
        assert http.get("/c/").status_code == 200


def test_demo_clients_have_practices_done_and_private_and_shared_entries_and_ripples() -> None:
    from tend.integration.models import ExerciseDone
    from tend.journal.models import Entry

    run_demo()

    ana = Practitioner.objects.get(email=demo.EMAIL)
    assert ExerciseDone.objects.count() >= 5
    entries = Entry.objects.all()
    assert entries.filter(shared_at__isnull=True).exists()
    assert entries.filter(shared_at__isnull=False).exists()
    assert entries.filter(kind="ripple").exists()
    lucia = Client.objects.get(name="Lucía Fernández")
    http = HttpClient()
    http.force_login(ana)
    page = http.get(f"/clients/{lucia.pk}/").content.decode()
    assert "Compartido desde su diario" not in page  # Ana reads in English
    assert "Shared from their journal" in page
    assert "Hoy lloré un rato en la ducha" in page
    assert "Escribo esto solo para mí" not in page  # private stays private


def test_demo_clients_have_answered_questionnaires_and_the_brief_shows_them() -> None:
    from tend.assessments.models import Administration

    run_demo()

    assert Administration.objects.filter(slug="phq9").count() >= 6
    assert not Administration.objects.exclude(flags=[]).exists()  # no demo item 9 alert
    ana = Practitioner.objects.get(email=demo.EMAIL)
    maya = Client.objects.get(name="Maya Thompson")
    http = HttpClient()
    http.force_login(ana)
    page = http.get(f"/clients/{maya.pk}/brief/").content.decode()
    assert 'id="trend-phq9"' in page and 'id="trend-who5"' in page
    assert "Around " in page


def test_the_demo_has_a_team_of_three_who_cover_for_each_other_and_can_sign_in() -> None:
    run_demo()

    lines = demo.welcome_lines()

    ana = Practitioner.objects.get(email=demo.EMAIL)
    team = Practitioner.objects.filter(practice=ana.practice)
    assert ana.role == Practitioner.Role.ADMIN
    assert sorted(team.exclude(pk=ana.pk).values_list("role", flat=True)) == ["member", "member"]
    assert all(p.covered_by is not None and p.covered_by != p for p in team)
    for colleague in demo.COLLEAGUES:
        [line] = [line for line in lines if colleague.email in line]
        assert line.endswith(f"{colleague.email} / {demo.PASSWORD}")
        http = HttpClient()
        response = http.post("/login/", {"username": colleague.email, "password": demo.PASSWORD})
        assert response["Location"] == "/"
        assert http.get("/").status_code == 200
    http = HttpClient()
    http.force_login(ana)
    page = http.get("/team/").content.decode()
    assert "Luis Ortega" in page and "Noor Haddad" in page


def test_an_alert_luis_left_waiting_is_passed_on_to_ana_who_covers_for_him() -> None:
    from tend.alerts import escalation
    from tend.alerts.models import Alert, AlertEvent

    run_demo()
    luis = Practitioner.objects.get(email="luis@tend.local")
    ana = Practitioner.objects.get(email=demo.EMAIL)
    [waiting] = Alert.objects.filter(responsible=luis, escalate_at__lte=timezone.now())

    assert escalation.run_due() >= 1  # what `tend worker` does on its first round

    waiting.refresh_from_db()
    assert waiting.responsible == ana
    assert AlertEvent.objects.filter(
        alert=waiting, practitioner=ana, action=AlertEvent.Action.ESCALATED
    ).exists()
    http = HttpClient()
    http.force_login(ana)
    assert waiting.client.name in http.get("/").content.decode()
