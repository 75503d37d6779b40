"""The triage benchmark's data: what it says it makes, readable by Tend like its own rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from bench import triage
from tend.alerts.models import Alert, AlertEvent
from tend.care.models import Session
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tests import factories

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_split_is_exact_and_proportional() -> None:
    assert triage.split(10, [1, 1, 1]) in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert sum(triage.split(1_000_003, [0.5, 1.5, 0.9, 1.2])) == 1_000_003
    assert triage.split(0, [1, 2]) == [0, 0]


@pytest.mark.django_db
def test_generate_makes_exactly_what_it_says() -> None:
    made = triage.generate(clients=20, checkins=5_000, now=NOW)

    checkins = CheckIn.objects.filter(practice=made.practice)
    assert Client.objects.filter(practice=made.practice).count() == made.clients == 20
    assert checkins.count() == made.checkins == 5_000
    assert sum(made.states.values()) == 5_000
    by_state = dict(checkins.values_list("state").annotate(n=Count("id")))
    assert by_state[State.ANSWERED] > 0.8 * 5_000
    assert {State.MISSED, State.CANCELLED} <= set(by_state)
    # The signed-in practitioner holds most clients; others hold the rest.
    mine = Client.objects.filter(practitioner=made.practitioner).count()
    assert 10 <= mine < 20

    # A session every two weeks or so for two years, and every check-in under its client's.
    per_client = Session.objects.filter(practice=made.practice).count() / 20
    assert 45 <= per_client <= 60
    assert not checkins.exclude(session__client=F("client")).exists()
    assert not checkins.filter(session=None).exists()

    # Rows read back through the ORM as Tend's own: aware times, JSON, plain text fields.
    answered = checkins.exclude(answered_at=None).order_by("answered_at")
    first, last = answered.first(), answered.last()
    assert first is not None and last is not None
    assert first.answered_at >= NOW - dt.timedelta(days=triage.DAYS + 30)
    assert last.answered_at < NOW
    assert timezone.is_aware(last.answered_at)
    for checkin in checkins.filter(state=State.ANSWERED)[:200]:
        assert isinstance(checkin.sensations, list)
        assert checkin.note == "" and checkin.need == ""
        assert checkin.activation is None or 0 <= checkin.activation <= 10
    assert checkins.filter(state=State.SCHEDULED, due_at__gt=NOW).exists()
    assert not checkins.filter(state=State.ANSWERED, answered_at__gt=NOW).exists()


@pytest.mark.django_db
def test_alerts_cover_every_kind_held_by_the_signed_in_practitioner() -> None:
    made = triage.generate(clients=100, checkins=10_000, now=NOW)

    alerts = Alert.objects.filter(practice=made.practice)
    open_ = alerts.filter(state="open")
    assert open_.values("client").distinct().count() == 5  # 5% of clients
    assert set(alerts.values_list("kind", flat=True)) == {k for k, _ in Alert.kind.field.choices}
    assert set(alerts.values_list("level", flat=True)) == {"urgent", "normal"}
    assert {"open", "acknowledged", "resolved"} == set(alerts.values_list("state", flat=True))
    assert set(alerts.values_list("responsible", flat=True)) == {made.practitioner.pk}
    assert AlertEvent.objects.filter(alert__in=alerts, action="opened").count() == alerts.count()
    # What opened each open alert is on its (unseen) check-in.
    for alert in open_.filter(kind="contact").select_related("checkin"):
        assert alert.checkin.wants_contact is True
        assert alert.checkin.seen_at is None


def constraints(model: type) -> dict[str, tuple[object, ...]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)  # type: ignore[attr-defined]
    return {
        name: (tuple(c["columns"]), c["foreign_key"], c["index"], c["unique"])
        for name, c in found.items()
    }


@pytest.mark.django_db
def test_a_second_practice_and_ordinary_rows_fit_beside_it() -> None:
    before = {model: constraints(model) for model in (CheckIn, Session)}
    big = triage.generate(clients=5, checkins=500, now=NOW)
    small = triage.generate(
        clients=3, checkins=300, name="Small", email_prefix="small", now=NOW, seed=2
    )

    assert CheckIn.objects.filter(practice=small.practice).count() == 300
    assert Alert.objects.filter(practice=small.practice, state="open").count() >= 3
    assert CheckIn.objects.count() == 800
    # Keys and indexes dropped for the load (PostgreSQL) are back as they were.
    assert {model: constraints(model) for model in (CheckIn, Session)} == before
    # Ids continue after the generated ones (PostgreSQL sequences were moved on).
    checkin = factories.CheckInFactory(client=Client.objects.filter(practice=big.practice)[0])
    session = factories.SessionFactory(client=checkin.client)
    assert checkin.pk > CheckIn.objects.exclude(pk=checkin.pk).order_by("-pk")[0].pk
    assert session.pk > Session.objects.exclude(pk=session.pk).order_by("-pk")[0].pk
