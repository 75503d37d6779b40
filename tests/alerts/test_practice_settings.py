"""The practice's alert settings and coverage (admins only), and marking oneself away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from tend.alerts.models import Alert, Kind, Level
from tend.alerts.services import open_alert
from tend.clients.models import Client
from tend.practices.models import Practice, Practitioner
from tests import factories

pytestmark = pytest.mark.django_db

SETTINGS = reverse("practice:settings")
AWAY = reverse("practice:away")
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin(alice: Practitioner) -> Practitioner:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    return alice


@pytest.fixture
def bea(alice: Practitioner) -> Practitioner:
    return factories.PractitionerFactory(practice=alice.practice, name="Bea Ortiz")


def form_data(practice: Practice, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        name: getattr(practice, name)
        for name in (
            "activation_threshold",
            "baseline_jump",
            "silence_hours",
            "basics_days",
            "urgent_escalation_minutes",
            "normal_escalation_hours",
            "idle_minutes",
        )
    }
    for person in Practitioner.objects.filter(practice=practice, is_active=True):
        data[f"cover_{person.pk}"] = person.covered_by_id or ""
    return {**data, **changes}


def practice_row(practice: Practice) -> tuple[int, ...]:
    practice.refresh_from_db()
    return (
        practice.activation_threshold,
        practice.baseline_jump,
        practice.silence_hours,
        practice.basics_days,
        practice.urgent_escalation_minutes,
        practice.normal_escalation_hours,
    )


def covers(practice: Practice) -> dict[int, int | None]:
    return dict(Practitioner.objects.filter(practice=practice).values_list("pk", "covered_by_id"))


def test_an_admin_sets_the_times_and_who_covers_for_whom(
    admin: Practitioner, bea: Practitioner, as_alice: HttpClient
) -> None:
    page = as_alice.get(SETTINGS)
    assert page.status_code == 200
    assert "Who covers for Bea Ortiz" in page.text

    data = form_data(
        admin.practice,
        urgent_escalation_minutes=15,
        normal_escalation_hours=12,
        **{f"cover_{admin.pk}": bea.pk, f"cover_{bea.pk}": admin.pk},
    )
    response = as_alice.post(SETTINGS, data, follow=True)
    assert response.redirect_chain == [(SETTINGS, 302)]
    assert "Saved" in response.text
    assert practice_row(admin.practice)[4:] == (15, 12)
    assert covers(admin.practice) == {admin.pk: bea.pk, bea.pk: admin.pk}

    # Clearing a cover: the admins step in for that person again.
    as_alice.post(SETTINGS, form_data(admin.practice, **{f"cover_{bea.pk}": ""}))
    assert covers(admin.practice) == {admin.pk: bea.pk, bea.pk: None}


def test_a_practitioner_who_is_not_an_admin_cannot_open_or_change_them(
    alice: Practitioner, bea: Practitioner, as_alice: HttpClient
) -> None:
    before = practice_row(alice.practice)
    assert as_alice.get(SETTINGS).status_code == 403
    data = form_data(alice.practice, urgent_escalation_minutes=99, **{f"cover_{alice.pk}": bea.pk})
    assert as_alice.post(SETTINGS, data).status_code == 403
    assert practice_row(alice.practice) == before
    assert covers(alice.practice)[alice.pk] is None


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    for url in (SETTINGS, AWAY):
        response = HttpClient().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "changes",
    [
        {"urgent_escalation_minutes": "1"},  # too soon to pass anything on
        {"urgent_escalation_minutes": "abc"},
        {"normal_escalation_hours": "9" * 40},
        {"normal_escalation_hours": "-3"},
        {"activation_threshold": "11"},
        {"silence_hours": ""},
        {"basics_days": "1.5"},
    ],
)
def test_bad_numbers_get_a_clear_message_and_change_nothing(
    admin: Practitioner, bea: Practitioner, as_alice: HttpClient, changes: dict[str, str]
) -> None:
    before = practice_row(admin.practice)
    # A valid cover in the same post is not saved either: all or nothing.
    data = form_data(admin.practice, **{f"cover_{admin.pk}": bea.pk}, **changes)
    response = as_alice.post(SETTINGS, data)
    assert response.status_code == 200
    assert "Nothing has been saved yet" in response.text
    assert 'class="error"' in response.text
    assert practice_row(admin.practice) == before
    assert covers(admin.practice)[admin.pk] is None


def test_colleagues_from_another_practice_cannot_be_chosen(
    admin: Practitioner, bea: Practitioner, bob: Practitioner, as_alice: HttpClient
) -> None:
    page = as_alice.get(SETTINGS)
    assert "Bob Smith" not in page.text
    assert f'value="{bob.pk}"' not in page.text

    for cover in (bob.pk, admin.pk, "999999", "x' OR 1=1"):
        response = as_alice.post(
            SETTINGS, form_data(admin.practice, **{f"cover_{admin.pk}": cover})
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
    assert covers(admin.practice) == {admin.pk: None, bea.pk: None}
    # And nobody in Bob's practice can be given a cover from Alice's through his own page.
    bob.role = Practitioner.Role.ADMIN
    bob.save()
    as_bob = HttpClient()
    as_bob.force_login(bob)
    as_bob.post(SETTINGS, form_data(bob.practice, **{f"cover_{bob.pk}": admin.pk}))
    bob.refresh_from_db()
    assert bob.covered_by_id is None
    # Bob's page can't touch Alice's practice's people either.
    as_bob.post(SETTINGS, form_data(bob.practice, **{f"cover_{admin.pk}": bea.pk}))
    assert covers(admin.practice) == {admin.pk: None, bea.pk: None}


def test_someone_switched_off_is_not_offered_as_a_cover(
    admin: Practitioner, bea: Practitioner, as_alice: HttpClient
) -> None:
    Practitioner.objects.filter(pk=bea.pk).update(is_active=False)
    page = as_alice.get(SETTINGS)
    assert "Bea Ortiz" not in page.text


# Time away -------------------------------------------------------------------------------


def test_a_practitioner_marks_themselves_away_with_a_cover_and_comes_back(
    alice: Practitioner, bea: Practitioner, as_alice: HttpClient
) -> None:
    Practitioner.objects.filter(pk=alice.pk).update(timezone="Europe/Madrid")
    page = as_alice.get(AWAY)
    assert page.status_code == 200 and "Bea Ortiz" in page.text

    response = as_alice.post(AWAY, {"until": "2026-12-01T10:00", "cover": bea.pk}, follow=True)
    assert response.redirect_chain == [(AWAY, 302)]
    alice.refresh_from_db()
    # 10:00 in Madrid is 09:00 UTC.
    assert alice.away_until == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert alice.away_cover == bea
    assert "Bea Ortiz receives your clients" in response.text

    response = as_alice.post(AWAY, {"back": "1"}, follow=True)
    alice.refresh_from_db()
    assert (alice.away_until, alice.away_cover) == (None, None)
    assert "Welcome back" in response.text


def test_going_away_passes_the_alerts_one_holds_to_the_cover(
    alice: Practitioner, bea: Practitioner, dana: Client, as_alice: HttpClient
) -> None:
    alert = open_alert(dana, Kind.CONTACT, Level.NORMAL, {}, at=NOW)
    response = as_alice.post(AWAY, {"until": "2026-12-01T10:00", "cover": bea.pk}, follow=True)
    assert "goes to your cover now" in response.text
    assert Alert.objects.get(pk=alert.pk).escalate_at == NOW


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-11-22T10:00", "passed yet"),
        ("2028-01-01T10:00", "within the next year"),
        ("tomorrow-ish", "Enter a valid date/time"),
        ("", "This field is required"),
        ("2027-03-28T02:30", "may not exist"),  # the clocks jump over it in Madrid
    ],
)
def test_a_bad_time_away_gets_a_clear_message_and_changes_nothing(
    alice: Practitioner, bea: Practitioner, as_alice: HttpClient, until: str, message: str
) -> None:
    Practitioner.objects.filter(pk=alice.pk).update(timezone="Europe/Madrid")
    response = as_alice.post(AWAY, {"until": until, "cover": bea.pk})
    assert response.status_code == 200
    assert message in response.text
    assert "Nothing has been changed" in response.text
    alice.refresh_from_db()
    assert (alice.away_until, alice.away_cover) == (None, None)


def test_the_cover_while_away_must_be_a_colleague_who_is_here(
    alice: Practitioner, bea: Practitioner, bob: Practitioner, as_alice: HttpClient
) -> None:
    cai = factories.PractitionerFactory(practice=alice.practice, name="Cai", is_active=False)
    for cover in (bob.pk, alice.pk, cai.pk, "nobody"):
        response = as_alice.post(AWAY, {"until": "2026-12-01T10:00", "cover": cover})
        assert "Select a valid choice" in response.text
    assert "Bob Smith" not in as_alice.get(AWAY).text

    Practitioner.objects.filter(pk=bea.pk).update(away_until=NOW + dt.timedelta(days=2))
    response = as_alice.post(AWAY, {"until": "2026-12-01T10:00", "cover": bea.pk})
    assert "Bea Ortiz is away too" in response.text
    alice.refresh_from_db()
    assert (alice.away_until, alice.away_cover) == (None, None)


def test_away_without_naming_anyone_the_usual_cover_steps_in(
    alice: Practitioner, bea: Practitioner, as_alice: HttpClient
) -> None:
    Practitioner.objects.filter(pk=alice.pk).update(covered_by=bea)
    response = as_alice.post(AWAY, {"until": "2026-12-01T10:00", "cover": ""}, follow=True)
    alice.refresh_from_db()
    assert alice.away_until is not None and alice.away_cover is None
    assert "Bea Ortiz receives your clients" in response.text


JUNK = [
    "x" * 20_000,
    "\x00",
    "a\x00b",
    "💥" * 500,
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    " ",
    "[]",
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_any_field_gets_a_calm_answer_and_changes_nothing(
    admin: Practitioner, bea: Practitioner, as_alice: HttpClient, junk: str
) -> None:
    before = practice_row(admin.practice)
    for field in form_data(admin.practice):
        response = as_alice.post(SETTINGS, form_data(admin.practice, **{field: junk}))
        assert response.status_code == 200, field
    for field in ("until", "cover"):
        data = {"until": "2026-12-01T10:00", "cover": bea.pk, field: junk}
        assert as_alice.post(AWAY, data).status_code == 200, field
    assert practice_row(admin.practice) == before
    assert covers(admin.practice) == {admin.pk: None, bea.pk: None}
    admin.refresh_from_db()
    assert admin.away_until is None
