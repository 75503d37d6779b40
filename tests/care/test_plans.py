"""A practice's own aftercare plans: everyone reads them, admins write them."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.care.models import AftercarePlan, Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(alice: Practitioner) -> Practitioner:
    """An admin in Alice's practice."""
    return factories.PractitionerFactory(
        practice=alice.practice, role="admin", name="Ada Admin", email="ada@example.com"
    )


@pytest.fixture
def as_admin(admin: Practitioner) -> HttpClient:
    http = HttpClient()
    http.force_login(admin)
    return http


@pytest.fixture
def own_plan(alice: Practitioner) -> AftercarePlan:
    return AftercarePlan.objects.create(
        practice=alice.practice,
        intensity="intense",
        modality="breathwork",
        hours=[2, 24, 96],
        guidance={"en": "Breathe slowly and let the day be small."},
    )


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def section(page: str, heading: str) -> str:
    """The words under one h2 of the page, up to the next h2."""
    words = visible(page)
    start = words.index(heading) + len(heading)
    end = words.find(" Tend's plans", start) if heading != "Tend's plans" else len(words)
    return words[start:end]


def plan_form(**changes: str) -> dict[str, str]:
    form = {
        "intensity": "moderate",
        "modality": "",
        "hours_text": "3h, 1d, 3d",
        "guidance_en": "Go slowly; small shifts count.",
        "guidance_es": "Ve despacio; los pequeños cambios cuentan.",
    }
    form.update(changes)
    return form


def plans() -> list[tuple[Any, ...]]:
    return [
        (p.practice_id, p.intensity, p.modality, p.hours, p.guidance)
        for p in AftercarePlan.objects.order_by("pk")
    ]


# Reading


def test_a_practitioner_sees_tends_plans_and_their_practices_own(
    as_alice: HttpClient, own_plan: AftercarePlan, bob: Practitioner
) -> None:
    AftercarePlan.objects.create(practice=bob.practice, intensity="gentle", hours=[5])

    response = as_alice.get("/sessions/plans/")

    page = text(response)
    assert response.status_code == 200
    own = section(page, "Your practice's plans")
    assert "Intense · Breathwork" in own
    assert "Check-ins after the session: 2h, 1d, 4d" in own
    assert "5h" not in own  # another practice's plan
    tends = section(page, "Tend's plans")
    assert "Gentle Check-ins after the session: 1d, 7d" in tends
    assert "Moderate Check-ins after the session: 6h, 1d, 3d, 7d" in tends
    assert "Intense Check-ins after the session: 3h, 1d, 2d, 4d, 7d" in tends
    assert "Today's session went deep." in tends
    # A member reads; only admins write.
    assert "Write a plan" not in page
    assert f"/sessions/plans/{own_plan.pk}/" not in page


def test_with_no_plans_of_its_own_a_practice_is_told_tends_are_used(
    as_alice: HttpClient,
) -> None:
    page = visible(text(as_alice.get("/sessions/plans/")))

    assert "None yet: Tend's plans below are used." in page


def test_the_plans_page_is_in_the_main_navigation(as_alice: HttpClient) -> None:
    assert 'href="/sessions/plans/"' in text(as_alice.get("/clients/"))


def test_the_plans_page_needs_a_practitioner() -> None:
    response = HttpClient().get("/sessions/plans/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# Writing, as an admin


def test_an_admin_writes_a_plan_and_the_next_session_follows_it(
    as_admin: HttpClient, admin: Practitioner, alice: Practitioner, as_alice: HttpClient
) -> None:
    form = text(as_admin.get("/sessions/plans/new/"))
    assert "Write a plan" in form
    assert '<option value="" selected>any</option>' in form

    response = as_admin.post("/sessions/plans/new/", plan_form())

    assert response["Location"] == "/sessions/plans/"
    assert plans() == [
        (
            admin.practice_id,
            "moderate",
            "",
            [3, 24, 72],
            {
                "en": "Go slowly; small shifts count.",
                "es": "Ve despacio; los pequeños cambios cuentan.",
            },
        )
    ]
    page = text(as_admin.get("/sessions/plans/"))
    assert "Plan saved. New sessions will follow it." in page
    assert "Moderate · any modality Check-ins after the session: 3h, 1d, 3d" in visible(page)

    client = factories.ClientFactory(practitioner=alice)
    as_alice.post(
        f"/sessions/new/{client.pk}/",
        {"starts_at": "2026-05-12T08:00", "modality": "coaching", "intensity": "moderate"},
    )
    session = Session.objects.get()
    assert session.plan_hours == [3, 24, 72]
    assert CheckIn.objects.filter(session=session).count() == 3


def test_an_admin_edits_a_plan(
    as_admin: HttpClient, admin: Practitioner, own_plan: AftercarePlan
) -> None:
    form = text(as_admin.get(f"/sessions/plans/{own_plan.pk}/"))
    assert "Edit plan" in form
    assert 'value="2h, 1d, 4d"' in form
    assert "Breathe slowly and let the day be small." in form

    response = as_admin.post(
        f"/sessions/plans/{own_plan.pk}/",
        plan_form(intensity="intense", modality="breathwork", hours_text="1h, 12h, 2d"),
    )

    assert response["Location"] == "/sessions/plans/"
    own_plan.refresh_from_db()
    assert own_plan.hours == [1, 12, 48]
    assert own_plan.guidance == {
        "en": "Go slowly; small shifts count.",
        "es": "Ve despacio; los pequeños cambios cuentan.",
    }
    assert AftercarePlan.objects.count() == 1


def test_an_admin_removes_a_plan_after_being_asked(
    as_admin: HttpClient, alice: Practitioner, own_plan: AftercarePlan
) -> None:
    client = factories.ClientFactory(practitioner=alice)
    session = factories.SessionFactory(client=client, plan_hours=[2, 24, 96])
    factories.CheckInFactory(client=client, session=session, state="scheduled")

    ask = as_admin.get(f"/sessions/plans/{own_plan.pk}/delete/")
    assert ask.status_code == 200
    assert "Remove this plan?" in text(ask)
    assert AftercarePlan.objects.exists()

    response = as_admin.post(f"/sessions/plans/{own_plan.pk}/delete/")

    assert response["Location"] == "/sessions/plans/"
    assert not AftercarePlan.objects.exists()
    assert "Plan removed. Tend's default is used again." in text(as_admin.get("/sessions/plans/"))
    # Sessions already logged keep the rhythm they were given.
    assert Session.objects.get().plan_hours == [2, 24, 96]
    assert CheckIn.objects.get().state == "scheduled"


def test_an_admin_sees_ways_to_write_edit_and_remove(
    as_admin: HttpClient, own_plan: AftercarePlan
) -> None:
    page = text(as_admin.get("/sessions/plans/"))

    assert 'href="/sessions/plans/new/"' in page
    assert f'href="/sessions/plans/{own_plan.pk}/"' in page
    assert f'href="/sessions/plans/{own_plan.pk}/delete/"' in page


@pytest.mark.parametrize(
    ("hours_text", "message"),
    [
        ("", "This field is required."),
        ("soon", "“soon” isn't a time we understand. Write hours or days, like 3h, 1d, 7d."),
        ("0h, 1d", "Check-ins can be from 1 hour to 60 days after the session."),
        ("61d", "Check-ins can be from 1 hour to 60 days after the session."),
        ("1d, 2d, 1d", "Two check-ins are at the same time; please remove one."),
        (", ".join(f"{n}h" for n in range(1, 14)), "A plan can have at most 12 check-ins."),
    ],
    ids=["empty", "words", "zero", "too-far", "duplicate", "thirteen"],
)
def test_a_plan_with_times_we_cant_use_is_explained_and_not_saved(
    as_admin: HttpClient, hours_text: str, message: str
) -> None:
    response = as_admin.post("/sessions/plans/new/", plan_form(hours_text=hours_text))

    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'id="id_hours_text_error"' in page
    assert "Go slowly; small shifts count." in page  # the rest is kept
    assert plans() == []


def test_editing_a_plan_with_bad_times_changes_nothing(
    as_admin: HttpClient, own_plan: AftercarePlan
) -> None:
    before = plans()

    response = as_admin.post(
        f"/sessions/plans/{own_plan.pk}/",
        plan_form(intensity="intense", modality="breathwork", hours_text="whenever"),
    )

    assert response.status_code == 200
    assert "“whenever” isn't a time we understand." in text(response)
    assert plans() == before


@pytest.mark.parametrize("modality", ["breathwork", ""], ids=["same-modality", "any"])
def test_a_second_plan_for_the_same_kind_of_session_is_turned_down(
    as_admin: HttpClient, alice: Practitioner, modality: str
) -> None:
    AftercarePlan.objects.create(
        practice=alice.practice, intensity="intense", modality=modality, hours=[24]
    )
    before = plans()

    response = as_admin.post(
        "/sessions/plans/new/", plan_form(intensity="intense", modality=modality)
    )

    assert response.status_code == 200
    assert "Your practice already has a plan for this intensity and modality." in text(response)
    assert plans() == before


def test_moving_a_plan_onto_another_plans_kind_is_turned_down(
    as_admin: HttpClient, alice: Practitioner, own_plan: AftercarePlan
) -> None:
    AftercarePlan.objects.create(practice=alice.practice, intensity="gentle", hours=[24])
    before = plans()

    response = as_admin.post(
        f"/sessions/plans/{own_plan.pk}/", plan_form(intensity="gentle", modality="")
    )

    assert "Your practice already has a plan for this intensity and modality." in text(response)
    assert plans() == before


def test_the_same_kind_of_plan_in_another_practice_is_no_obstacle(
    as_admin: HttpClient, bob: Practitioner
) -> None:
    AftercarePlan.objects.create(practice=bob.practice, intensity="moderate", hours=[24])

    response = as_admin.post("/sessions/plans/new/", plan_form())

    assert response.status_code == 302
    assert AftercarePlan.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"), [("intensity", "volcanic"), ("modality", "astrology"), ("intensity", "")]
)
def test_an_unknown_intensity_or_modality_is_turned_down(
    as_admin: HttpClient, field: str, value: str
) -> None:
    response = as_admin.post("/sessions/plans/new/", plan_form(**{field: value}))

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in text(response)
    assert plans() == []


# Members and other practices


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/sessions/plans/new/"),
        ("post", "/sessions/plans/new/"),
        ("get", "/sessions/plans/{pk}/"),
        ("post", "/sessions/plans/{pk}/"),
        ("get", "/sessions/plans/{pk}/delete/"),
        ("post", "/sessions/plans/{pk}/delete/"),
    ],
)
def test_a_member_cannot_write_edit_or_remove_plans(
    as_alice: HttpClient, own_plan: AftercarePlan, method: str, path: str
) -> None:
    before = plans()

    url = path.format(pk=own_plan.pk)
    response = as_alice.get(url) if method == "get" else as_alice.post(url, plan_form())

    assert response.status_code == 403
    assert "That page isn't open to you" in text(response)
    assert plans() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/sessions/plans/{pk}/"),
        ("post", "/sessions/plans/{pk}/"),
        ("get", "/sessions/plans/{pk}/delete/"),
        ("post", "/sessions/plans/{pk}/delete/"),
    ],
)
def test_another_practices_admin_finds_nothing_and_changes_nothing(
    own_plan: AftercarePlan, method: str, path: str
) -> None:
    outsider = factories.PractitionerFactory(role="admin")
    http = HttpClient()
    http.force_login(outsider)
    before = plans()

    url = path.format(pk=own_plan.pk)
    response = http.get(url) if method == "get" else http.post(url, plan_form())

    assert response.status_code == 404
    assert "Breathe slowly" not in text(response)
    assert plans() == before
    assert "Breathe slowly" not in text(http.get("/sessions/plans/"))


def test_a_plan_that_does_not_exist_is_not_found(as_admin: HttpClient) -> None:
    assert as_admin.get("/sessions/plans/999999/").status_code == 404
    assert as_admin.post("/sessions/plans/999999/delete/").status_code == 404


def test_a_client_cannot_reach_the_plans(carmen: Client, own_plan: AftercarePlan) -> None:
    http = signed_in_as(carmen)
    before = plans()

    for url in ("/sessions/plans/", f"/sessions/plans/{own_plan.pk}/"):
        assert http.get(url)["Location"].startswith("/login/")
        assert http.post(url, plan_form())["Location"].startswith("/login/")

    assert plans() == before
