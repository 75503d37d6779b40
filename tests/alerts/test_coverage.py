"""Who covers for whom, and who holds a client's alerts: never nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tend.alerts import coverage
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=3)


def colleague(alice: Practitioner, name: str, **fields: object) -> Practitioner:
    return factories.PractitionerFactory(practice=alice.practice, name=name, **fields)


def away(person: Practitioner, cover: Practitioner | None = None) -> None:
    person.away_until, person.away_cover = LATER, cover
    person.save()


def test_usual_cover_covers_while_the_practitioner_is_here(alice: Practitioner) -> None:
    bea = colleague(alice, "Bea")
    alice.covered_by = bea
    alice.save()
    assert coverage.covering(alice, NOW) == bea


def test_while_away_the_named_cover_comes_before_the_usual_one(alice: Practitioner) -> None:
    bea, cai = colleague(alice, "Bea"), colleague(alice, "Cai")
    alice.covered_by = bea
    away(alice, cover=cai)
    assert coverage.covering(alice, NOW) == cai
    # Once the time away is over, the usual cover is back.
    assert coverage.covering(alice, LATER + dt.timedelta(minutes=1)) == bea


def test_a_named_cover_who_is_away_too_is_passed_over_for_the_usual_one(
    alice: Practitioner,
) -> None:
    bea, cai = colleague(alice, "Bea"), colleague(alice, "Cai")
    away(cai)
    alice.covered_by = bea
    away(alice, cover=cai)
    assert coverage.covering(alice, NOW) == bea


def test_the_chain_is_followed_past_people_away_or_switched_off(alice: Practitioner) -> None:
    bea = colleague(alice, "Bea")
    cai = colleague(alice, "Cai", is_active=False)
    dev = colleague(alice, "Dev")
    alice.covered_by = bea
    alice.save()
    bea.covered_by = cai
    away(bea)
    cai.covered_by = dev
    cai.save()
    assert coverage.covering(alice, NOW) == dev


def test_a_circle_of_people_all_away_ends_without_looping(alice: Practitioner) -> None:
    bea, cai = colleague(alice, "Bea"), colleague(alice, "Cai")
    for person, cover in ((alice, bea), (bea, cai), (cai, alice)):
        person.covered_by = cover
        away(person, cover=cover)
    assert coverage.covering(alice, NOW) is None


def test_nobody_covers_for_themselves(alice: Practitioner) -> None:
    alice.covered_by = alice
    alice.save()
    assert coverage.covering(alice, NOW) is None


def test_a_cover_in_another_practice_is_never_followed(
    alice: Practitioner, bob: Practitioner
) -> None:
    alice.covered_by = bob  # not possible through the pages; even so
    alice.save()
    assert coverage.covering(alice, NOW) is None


def test_the_client_s_practitioner_holds_their_alerts_while_here(
    alice: Practitioner, dana: Client
) -> None:
    alice.covered_by = colleague(alice, "Bea")
    alice.save()
    assert coverage.responsible_now(dana, NOW) == alice


def test_while_away_their_cover_holds_them(alice: Practitioner, dana: Client) -> None:
    bea = colleague(alice, "Bea")
    away(alice, cover=bea)
    assert coverage.responsible_now(dana, NOW) == bea


def test_with_everyone_away_an_admin_holds_them(alice: Practitioner, dana: Client) -> None:
    bea = colleague(alice, "Bea")
    ada = colleague(alice, "Ada", role=Practitioner.Role.ADMIN)
    alice.covered_by = bea
    away(alice, cover=bea)
    bea.covered_by = alice
    away(bea, cover=alice)
    assert coverage.responsible_now(dana, NOW) == ada


def test_an_admin_away_is_still_better_than_nobody(alice: Practitioner, dana: Client) -> None:
    ada = colleague(alice, "Ada", role=Practitioner.Role.ADMIN)
    away(ada)
    away(alice)
    assert coverage.responsible_now(dana, NOW) == ada


def test_a_switched_off_practitioner_s_client_goes_to_an_active_colleague(
    alice: Practitioner, dana: Client
) -> None:
    Practitioner.objects.filter(pk=alice.pk).update(is_active=False)
    bea = colleague(alice, "Bea")
    assert coverage.responsible_now(dana, NOW) == bea
    colleague(alice, "Ada", role=Practitioner.Role.ADMIN, is_active=False)
    assert coverage.responsible_now(dana, NOW) == bea


def test_never_nobody_while_anyone_in_the_practice_is_active(
    alice: Practitioner, dana: Client
) -> None:
    away(alice)  # away, no cover, no admin: still hers rather than nobody's
    assert coverage.responsible_now(dana, NOW) == alice
    Practitioner.objects.filter(pk=alice.pk).update(is_active=False)
    dana.refresh_from_db()
    assert coverage.responsible_now(dana, NOW) is None  # only when nobody at all is active
    cai = colleague(alice, "Cai")
    assert coverage.responsible_now(dana, timezone.now()) == cai


def test_admins_are_the_practice_s_active_admins(alice: Practitioner, bob: Practitioner) -> None:
    ada = colleague(alice, "Ada", role=Practitioner.Role.ADMIN)
    colleague(alice, "Old admin", role=Practitioner.Role.ADMIN, is_active=False)
    Practitioner.objects.filter(pk=bob.pk).update(role=Practitioner.Role.ADMIN)
    assert coverage.admins(alice.practice_id) == [ada]
