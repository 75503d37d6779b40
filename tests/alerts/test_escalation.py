"""The escalation chain, in-process: who is told, when, by which channel, and never twice.

The worker's duty (`escalation.run_due`) runs here at moments set with time-machine and
sends to a real SMTP server on loopback; then it runs in real
`tend worker` processes (the last tests here), their clocks moved the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from tend.alerts import escalation, services
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.clients.models import Client
from tend.notify.models import Delivery
from tend.practices.models import Practitioner
from tests import factories, smtp
from tests.database import database_url
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
Action = AlertEvent.Action
Channel = AlertEvent.Channel


@dataclass
class Team:
    alice: Practitioner  # Dana's practitioner
    bea: Practitioner  # covers for Alice
    ada: Practitioner  # the practice's admin
    dana: Client


@pytest.fixture
def team(alice: Practitioner, dana: Client) -> Team:
    bea = factories.PractitionerFactory(
        practice=alice.practice, name="Bea Ortiz", email="bea@example.com", language="es"
    )
    ada = factories.PractitionerFactory(
        practice=alice.practice,
        name="Ada Byrne",
        email="ada@example.com",
        role=Practitioner.Role.ADMIN,
    )
    alice.covered_by = bea
    alice.save()
    return Team(alice, bea, ada, dana)


def at(minutes: float = 0, hours: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes, hours=hours)


def open_alert(client: Client, level: str = Level.URGENT, when: dt.datetime = T0) -> Alert:
    checkin = factories.CheckInFactory(
        client=client, note="I wrote something very private here", answered_at=when
    )
    with time_machine.travel(when, tick=False):
        return services.open_alert(client, Kind.SAFETY, level, {}, checkin=checkin, at=when)


def run_at(moment: dt.datetime, worker: str = "test-worker") -> None:
    """The worker's rounds at `moment`: alerts passed on, and their emails sent."""
    with time_machine.travel(moment, tick=False):
        run_worker(worker)


def mail_to(inbox: Inbox, person: Practitioner) -> list[EmailMessage]:
    return inbox.to(person.email)


def told(alert: Alert) -> list[tuple[str, str, str, dt.datetime]]:
    """(action, who, channel, when) for each time someone was told or handed it."""
    rows = alert.events.filter(action__in=(Action.NOTIFIED, Action.ESCALATED)).select_related(
        "practitioner"
    )
    return [(e.action, e.practitioner.name, e.channel, e.at) for e in rows if e.practitioner]


def acknowledge(alert: Alert, person: Practitioner, moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        assert services.acknowledge([alert], person)


def test_urgent_alert_goes_to_practitioner_then_cover_then_admins_then_reminders(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana)
    # Alice's email was written with the alert itself; the worker's next round sends it.
    assert (alert.responsible, alert.step, alert.escalate_at) == (team.alice, 0, at(30))

    run_at(at(0.1))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email]
    first = smtp_inbox.messages[0]
    assert "Urgent" in str(first["Subject"]) and "Dana" in str(first["Subject"])

    run_at(at(29))  # Alice still has time
    assert len(smtp_inbox.messages) == 1

    run_at(at(31))
    assert [m["To"] for m in smtp_inbox.messages][1:] == [team.bea.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 1)
    assert alert.escalate_at == at(31) + dt.timedelta(minutes=30)

    run_at(at(60))
    assert len(smtp_inbox.messages) == 2
    run_at(at(62))
    assert [m["To"] for m in smtp_inbox.messages][2:] == [team.ada.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.ada, 2)

    run_at(at(93))  # nobody yet: the admins are reminded, once an interval
    run_at(at(94))
    assert [m["To"] for m in smtp_inbox.messages][3:] == [team.ada.email]
    assert "still open" in str(smtp_inbox.messages[3]["Subject"])
    alert.refresh_from_db()
    assert (alert.responsible, alert.step, alert.state) == (team.ada, 3, AlertState.OPEN)

    assert told(alert) == [
        (Action.NOTIFIED, "Alice Moreno", Channel.EMAIL, T0),
        (Action.ESCALATED, "Bea Ortiz", Channel.EMAIL, at(31)),
        (Action.ESCALATED, "Ada Byrne", Channel.EMAIL, at(62)),
        (Action.NOTIFIED, "Ada Byrne", Channel.EMAIL, at(93)),
    ]
    assert len({m["Message-ID"] for m in smtp_inbox.messages}) == 4


def test_the_email_names_the_client_and_reason_but_never_their_words(
    team: Team, smtp_inbox: Inbox
) -> None:
    open_alert(team.dana)
    run_at(at(1))
    run_at(at(45))
    to_alice, to_bea = smtp_inbox.messages
    for message in (to_alice, to_bea):
        text, html = Inbox.text(message), Inbox.html(message)
        for body in (text, html, str(message["Subject"])):
            assert "very private" not in body
            assert "Fox" not in body  # the first name only
        assert "Dana" in text
        assert f"{settings.SITE_URL}/" in smtp_inbox.links(message)
        assert message["Auto-Submitted"] == "auto-generated"
    assert "may mean danger" in Inbox.text(to_alice)  # the reason, in plain words
    # In the recipient's own language (Bea reads Spanish), and how long it has waited.
    assert '<html lang="es">' in Inbox.html(to_bea)
    assert '<html lang="en">' in Inbox.html(to_alice)
    assert "Alice Moreno" in Inbox.text(to_bea)  # whose client it is


def test_with_nobody_covering_it_goes_straight_to_the_admins(team: Team, smtp_inbox: Inbox) -> None:
    Practitioner.objects.filter(pk=team.alice.pk).update(covered_by=None)
    alert = open_alert(team.dana)
    run_at(at(1))
    run_at(at(31))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email, team.ada.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.ada, 2)


def test_a_normal_alert_waits_in_the_app_and_is_passed_on_after_a_day(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana, level=Level.NORMAL)
    assert alert.escalate_at == at(hours=24)
    run_at(at(1))
    run_at(at(hours=23, minutes=59))
    assert smtp_inbox.messages == []
    assert told(alert) == [(Action.NOTIFIED, "Alice Moreno", Channel.APP, T0)]

    run_at(at(hours=24, minutes=1))
    assert [m["To"] for m in smtp_inbox.messages] == [team.bea.email]
    assert "Urgent" not in str(smtp_inbox.messages[0]["Subject"])
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 1)
    assert alert.escalate_at == at(hours=48, minutes=1)


def test_acknowledging_stops_the_chain(team: Team, smtp_inbox: Inbox) -> None:
    alert = open_alert(team.dana)
    run_at(at(1))
    acknowledge(alert, team.alice, at(10))
    for minutes in (31, 62, 200):
        run_at(at(minutes))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.alice, 0)


def test_with_the_mail_server_down_the_step_goes_on_and_its_email_waits(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana)
    run_at(at(1))
    working = settings.MAILERS["smtp"]
    dead = {**working, "OPTIONS": {**working["OPTIONS"], "port": smtp.free_port()}}
    with override_settings(MAILERS={**settings.MAILERS, "smtp": dead}):
        run_at(at(31))
    assert len(smtp_inbox.messages) == 1
    alert.refresh_from_db()
    # Handed to Bea at once, in the app; her email waits for the server, and says so.
    assert (alert.responsible, alert.step) == (team.bea, 1)
    assert told(alert)[-1] == (Action.ESCALATED, "Bea Ortiz", Channel.EMAIL, at(31))
    waiting = Delivery.objects.get(recipient=team.bea.email)
    assert waiting.state == Delivery.State.QUEUED
    assert waiting.error.startswith("cannot reach the mail server")

    run_at(at(31.2))  # not before the retry wait
    assert len(smtp_inbox.messages) == 1
    run_at(at(32))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email, team.bea.email]
    # The chain keeps its own clock: the admins' turn comes 30 minutes after Bea's.
    alert.refresh_from_db()
    assert alert.escalate_at == at(61)
    run_at(at(62))
    assert [m["To"] for m in smtp_inbox.messages][2:] == [team.ada.email]


def test_an_address_no_server_would_take_is_noted_and_the_chain_goes_on(
    team: Team, smtp_inbox: Inbox
) -> None:
    Practitioner.objects.filter(pk=team.bea.pk).update(email="béa@example.com")
    alert = open_alert(team.dana)
    run_at(at(1))
    run_at(at(31))
    assert len(smtp_inbox.messages) == 1
    assert told(alert)[-1] == (Action.ESCALATED, "Bea Ortiz", Channel.APP, at(31))
    failed = Delivery.objects.get(recipient="béa@example.com")
    assert (failed.state, failed.error) == (Delivery.State.FAILED, "not a deliverable address")
    run_at(at(62))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email, team.ada.email]


def test_two_workers_at_the_same_moment_never_tell_anyone_twice(
    team: Team, smtp_inbox: Inbox
) -> None:
    alerts = [open_alert(factories.ClientFactory(practitioner=team.alice)) for _ in range(5)]
    with time_machine.travel(at(31), tick=False):
        assert escalation.run_due() == 5
        assert escalation.run_due() == 0  # the other worker finds each moved on already
    run_at(at(31), "one")
    run_at(at(31), "two")
    assert len(mail_to(smtp_inbox, team.bea)) == len(alerts)
    assert len({m["Message-ID"] for m in smtp_inbox.messages}) == 2 * len(alerts)


def test_while_away_the_cover_holds_new_alerts_and_is_emailed_first(
    team: Team, smtp_inbox: Inbox
) -> None:
    cai = factories.PractitionerFactory(practice=team.alice.practice, name="Cai")
    Practitioner.objects.filter(pk=team.alice.pk).update(away_until=at(hours=72), away_cover=cai)
    team.dana.refresh_from_db()
    alert = open_alert(team.dana)
    assert alert.responsible == cai
    run_at(at(1))
    assert [m["To"] for m in smtp_inbox.messages] == [cai.email]
    assert "Alice Moreno" in Inbox.text(smtp_inbox.messages[0])


def test_going_away_hands_the_alerts_one_holds_to_the_cover(team: Team, smtp_inbox: Inbox) -> None:
    alert = open_alert(team.dana, level=Level.NORMAL)
    team.alice.away_until = at(hours=72)
    team.alice.save()
    assert escalation.hand_over(team.alice, at(60)) == 1
    run_at(at(61))
    assert [m["To"] for m in smtp_inbox.messages] == [team.bea.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 1)


def test_a_normal_alert_that_becomes_urgent_is_emailed_at_once(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana, level=Level.NORMAL)
    with time_machine.travel(at(5), tick=False):
        again = services.open_alert(team.dana, Kind.SAFETY, Level.URGENT, {}, at=at(5))
    assert again.pk == alert.pk
    run_at(at(6))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email]
    assert "Urgent" in str(smtp_inbox.messages[0]["Subject"])
    run_at(at(36))  # the urgent clock now: half an hour, not a day
    assert [m["To"] for m in smtp_inbox.messages][1:] == [team.bea.email]


@pytest.fixture
def no_admin(team: Team) -> Iterator[Team]:
    Practitioner.objects.filter(pk=team.ada.pk).update(is_active=False)
    yield team


def test_without_an_active_admin_the_holder_is_reminded(no_admin: Team, smtp_inbox: Inbox) -> None:
    team = no_admin
    alert = open_alert(team.dana)
    run_at(at(1))
    run_at(at(31))
    run_at(at(62))
    assert [m["To"] for m in smtp_inbox.messages] == [
        team.alice.email,
        team.bea.email,
        team.bea.email,
    ]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 2)


# With real `tend worker` processes -------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
real_workers = pytest.mark.django_db(transaction=True)  # they see committed rows only


def start_workers(moment: dt.datetime, count: int = 1) -> list[subprocess.Popen[str]]:
    """`tend worker --drain` processes whose clocks read `moment` as they start."""
    port = settings.MAILERS["smtp"]["OPTIONS"]["port"]
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url(),
        "TEND_EMAIL_HOST": "127.0.0.1",
        "TEND_EMAIL_PORT": str(port),
    }
    command = [sys.executable, "-m", "tests.alerts.worker_at", moment.isoformat()]
    return [
        subprocess.Popen(  # noqa: S603
            [*command, "worker", "--drain", "--interval", "0.1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]


def worker_at(moment: dt.datetime, count: int = 1) -> None:
    for process in start_workers(moment, count):
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output


def near(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The worker's clock ticks on from `moment` while it starts up."""
    return moment, moment + dt.timedelta(seconds=60)


@real_workers
def test_an_urgent_alert_unacknowledged_for_30_minutes_reaches_the_cover_and_ack_stops_it(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana)

    worker_at(at(0))
    assert [m["To"] for m in smtp_inbox.messages] == [team.alice.email]
    assert "Urgent" in str(smtp_inbox.messages[0]["Subject"])

    worker_at(at(29))  # still Alice's half hour
    assert len(smtp_inbox.messages) == 1

    worker_at(at(31))
    [to_bea] = mail_to(smtp_inbox, team.bea)
    assert "ahora te llega a ti" in str(to_bea["Subject"])  # Bea reads Spanish
    assert "Dana" in Inbox.text(to_bea)
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 1)
    [(a1, who1, ch1, when1), (a2, who2, ch2, when2)] = told(alert)
    assert (a1, who1, ch1) == (Action.NOTIFIED, "Alice Moreno", Channel.EMAIL)
    assert (a2, who2, ch2) == (Action.ESCALATED, "Bea Ortiz", Channel.EMAIL)
    assert near(at(0))[0] <= when1 < near(at(0))[1]
    assert near(at(31))[0] <= when2 < near(at(31))[1]

    acknowledge(alert, team.bea, at(35))
    worker_at(at(62))  # when the admins' turn would have come
    worker_at(at(180))
    assert mail_to(smtp_inbox, team.ada) == []
    assert len(smtp_inbox.messages) == 2
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by, alert.escalate_at) == (
        AlertState.ACKNOWLEDGED,
        team.bea,
        None,
    )
    assert len(told(alert)) == 2


@real_workers
def test_a_normal_alert_is_passed_on_at_24_hours_and_not_before(
    team: Team, smtp_inbox: Inbox
) -> None:
    alert = open_alert(team.dana, level=Level.NORMAL)
    worker_at(at(hours=23, minutes=58))
    assert smtp_inbox.messages == []
    worker_at(at(hours=24))
    assert [m["To"] for m in smtp_inbox.messages] == [team.bea.email]
    alert.refresh_from_db()
    assert (alert.responsible, alert.step) == (team.bea, 1)


@real_workers
def test_three_workers_at_once_tell_each_person_once(team: Team, smtp_inbox: Inbox) -> None:
    clients = [factories.ClientFactory(practitioner=team.alice) for _ in range(60)]
    alerts = [open_alert(client) for client in clients]

    worker_at(at(1), count=3)
    assert len(smtp_inbox.messages) == len(alerts)
    assert {str(m["To"]) for m in smtp_inbox.messages} == {team.alice.email}
    assert len({m["Message-ID"] for m in smtp_inbox.messages}) == len(alerts)

    worker_at(at(32), count=3)
    to_bea = mail_to(smtp_inbox, team.bea)
    assert len(to_bea) == len({m["Message-ID"] for m in to_bea}) == len(alerts)
    events = AlertEvent.objects.filter(alert__in=alerts, channel=Channel.EMAIL)
    assert events.count() == 2 * len(alerts)
