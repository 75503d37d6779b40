"""Two-step sign-in: a practitioner can turn it on (scan a QR code or type the key, confirm
with a code, see ten recovery codes once) and off (with a current code); once on, signing in
asks for a code after the password; a practice can require it of everyone."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from tend.practices import two_factor
from tend.practices.models import AuthenticatorApp, Practitioner, RecoveryCode
from tests import factories
from tests.alerts.test_practice_settings import form_data
from tests.two_step import app_for, code_of, verified

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CODE_ON_PAGE = r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>"
LATER = NOW + dt.timedelta(seconds=60)  # the app shows a new code every 30 seconds


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def sign_in(person: Practitioner, http: HttpClient | None = None) -> HttpClient:
    http = http or HttpClient()
    response = http.post("/login/", {"username": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return http


def code_now(device: AuthenticatorApp) -> str:
    return code_of(device.key, NOW.timestamp())


def test_a_practitioner_turns_it_on_and_sees_ten_recovery_codes_once(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        start = as_alice.get("/account/two-step/")
        assert "your password alone isn't enough to open Tend" in visible(start)
        page = as_alice.get("/account/two-step/setup/")
        assert '<img class="qr" src="data:image/svg+xml;base64,' in page.text
        key = as_alice.session[two_factor.NEW_KEY]
        assert two_factor.key_for_typing(key) in visible(page)  # to type instead of scanning

        wrong = as_alice.post("/account/two-step/setup/", {"code": "123456"})
        assert "That code didn't match" in visible(wrong)
        assert not AuthenticatorApp.objects.filter(user=alice).exists()

        done = as_alice.post("/account/two-step/setup/", {"code": code_of(key)})
        assert "Two-step sign-in is on" in visible(done)
        codes = re.findall(CODE_ON_PAGE, done.text)
        assert len(codes) == 10 and len(set(codes)) == 10

        status = visible(as_alice.get("/account/two-step/"))
        assert "It's on" in status and "You have 10 recovery codes left." in status
        assert not any(code in status for code in codes)
        assert as_alice.get("/").status_code == 200  # this session is verified: nothing owed


def test_signing_in_asks_for_the_code_after_the_password_and_nothing_opens_before(
    alice: Practitioner, carmen: Any
) -> None:
    device = app_for(alice)
    with time_machine.travel(NOW, tick=False):
        http = sign_in(alice)
        assert http.get("/")["Location"] == "/login/code/?next=%2F"
        assert http.get(f"/clients/{carmen.pk}/")["Location"].startswith("/login/code/")
        assert http.post("/account/two-step/off/")["Location"].startswith("/login/code/")
        page = http.get("/login/code/?next=/clients/")
        assert "type the code it shows for Tend" in visible(page)
        assert "Needs you now" not in visible(page)  # no menu until the step is done

        wrong = http.post("/login/code/", {"code": "000000", "next": "/clients/"})
        assert "That code didn't match" in visible(wrong)
        right = http.post("/login/code/", {"code": code_now(device), "next": "/clients/"})
        assert right["Location"] == "/clients/"
        assert "Carmen López" in visible(http.get("/clients/"))

        # The same code again, in another browser: used already, it is refused.
        again = sign_in(alice)
        assert "That code didn't match" in visible(
            again.post("/login/code/", {"code": code_now(device)})
        )


def test_an_address_outside_tend_is_not_followed_after_the_code(alice: Practitioner) -> None:
    device = app_for(alice)
    with time_machine.travel(NOW, tick=False):
        http = sign_in(alice)
        response = http.post(
            "/login/code/", {"code": code_now(device), "next": "https://elsewhere.example/"}
        )
    assert response["Location"] == "/"


def test_a_recovery_code_signs_in_once(alice: Practitioner, as_alice: HttpClient) -> None:
    with time_machine.travel(NOW, tick=False):
        as_alice.get("/account/two-step/setup/")
        key = as_alice.session[two_factor.NEW_KEY]
        done = as_alice.post("/account/two-step/setup/", {"code": code_of(key)})
        first = re.findall(CODE_ON_PAGE, done.text)[0]

        http = sign_in(alice)
        used = http.post("/login/code/", {"code": f" {first.upper()} "}, follow=True)
        assert "You signed in with a recovery code, so it won't work again. 9 are left" in visible(
            used
        )
        other = sign_in(alice)
        assert "That code didn't match" in visible(other.post("/login/code/", {"code": first}))


def test_wrong_codes_in_a_row_pause_signing_in_and_say_until_when(alice: Practitioner) -> None:
    device = app_for(alice)
    with time_machine.travel(NOW, tick=False):
        http = sign_in(alice)
        for _ in range(10):
            assert http.post("/login/code/", {"code": "000000"}).status_code == 200
        paused = http.post("/login/code/", {"code": code_now(device)})
        assert paused.status_code == 429
        assert "codes aren't taken for the next 15 minutes" in visible(paused)
        # From another browser too: the count is the practitioner's, in the database.
        assert sign_in(alice).post("/login/code/", {"code": code_now(device)}).status_code == 429
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        code = code_of(device.key)
        assert http.post("/login/code/", {"code": code})["Location"] == "/"


def test_wrong_passwords_still_pause_signing_in(alice: Practitioner) -> None:
    app_for(alice)
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        http.post("/login/", {"username": alice.email, "password": "not-it"})
    assert http.post("/login/", {"username": alice.email, "password": "x"}).status_code == 429


def test_turning_it_off_needs_a_current_code(alice: Practitioner) -> None:
    device = app_for(alice)
    with time_machine.travel(NOW, tick=False):
        http = verified(alice, device)
        kept = http.post("/account/two-step/off/", {"off-code": "111111"}, follow=True)
        assert "That code didn't match, so two-step sign-in is still on." in visible(kept)
        assert AuthenticatorApp.objects.filter(user=alice).exists()
        off = http.post("/account/two-step/off/", {"off-code": code_now(device)}, follow=True)
        assert "Two-step sign-in is off." in visible(off)
        assert not AuthenticatorApp.objects.filter(user=alice).exists()
        assert sign_in(alice).get("/").status_code == 200  # the password alone, again


def test_new_recovery_codes_replace_the_old_ones(alice: Practitioner) -> None:
    device = app_for(alice)
    old = two_factor.new_recovery_codes(alice)
    with time_machine.travel(NOW, tick=False):
        http = verified(alice, device)
        page = http.post("/account/two-step/recovery-codes/", {"recovery-code": code_now(device)})
        new = re.findall(CODE_ON_PAGE, page.text)
    assert len(new) == 10
    assert RecoveryCode.objects.filter(codes__user=alice).count() == 10
    assert not set(old) & set(new)


def test_a_practice_that_requires_it_sends_a_newcomer_to_set_it_up_first(
    alice: Practitioner,
) -> None:
    alice.practice.require_two_factor = True
    alice.practice.save()
    with time_machine.travel(NOW, tick=False):
        http = sign_in(alice)
        assert http.get("/clients/")["Location"] == "/account/two-step/setup/?next=%2Fclients%2F"
        page = http.get("/account/two-step/setup/?next=/clients/")
        assert "Your practice asks everyone to sign in in two steps" in visible(page)
        key = http.session[two_factor.NEW_KEY]
        done = http.post("/account/two-step/setup/", {"code": code_of(key), "next": "/clients/"})
        assert 'href="/clients/"' in done.text
        assert http.get("/clients/").status_code == 200

        # Required, it stays on.
        status = http.get("/account/two-step/")
        assert "so it stays on" in visible(status)
        device = AuthenticatorApp.objects.get(user=alice)
        refused = http.post("/account/two-step/off/", {"off-code": code_of(key)}, follow=True)
        assert "Your practice asks everyone to sign in in two steps." in visible(refused)
        assert AuthenticatorApp.objects.filter(pk=device.pk).exists()


def test_an_admin_requires_it_for_everyone_from_the_practice_settings(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    page = as_alice.get("/practice/settings/")
    assert "Everyone signs in with a code from their phone too" in visible(page)
    data = form_data(alice.practice, require_two_factor="on")
    assert as_alice.post("/practice/settings/", data)["Location"] == "/practice/settings/"
    alice.practice.refresh_from_db()
    assert alice.practice.require_two_factor
    # The admin has no app yet: asked of everyone, so of them, at once.
    assert as_alice.get("/")["Location"].startswith("/account/two-step/setup/")


def test_without_an_app_or_a_requirement_signing_in_is_as_before(alice: Practitioner) -> None:
    http = sign_in(alice)
    assert two_factor.STEP not in http.session
    assert http.get("/").status_code == 200


def test_signing_out_works_in_the_middle_of_signing_in(alice: Practitioner) -> None:
    app_for(alice)
    http = sign_in(alice)
    assert http.post("/logout/")["Location"] == "/login/"
    assert http.get("/")["Location"] == "/login/"


def test_an_admin_clears_a_colleagues_two_step_sign_in_when_their_phone_is_lost(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    bea = factories.PractitionerFactory(practice=alice.practice, name="Bea Ortiz")
    device = app_for(bea)
    two_factor.new_recovery_codes(bea)
    beas_desk = verified(bea, device)
    assert beas_desk.get("/").status_code == 200

    member = as_alice.get(f"/team/{bea.pk}/")
    assert "Clear their two-step sign-in" in visible(member)
    cleared = as_alice.post(f"/team/{bea.pk}/two-step/reset/", follow=True)
    assert "Bea Ortiz's two-step sign-in is cleared" in visible(cleared)
    assert not AuthenticatorApp.objects.filter(user=bea).exists()
    assert not RecoveryCode.objects.filter(codes__user=bea).exists()
    assert beas_desk.get("/clients/")["Location"] == "/login/?next=/clients/"  # signed out
    assert sign_in(bea).get("/").status_code == 200  # her password alone, again


def test_a_member_cannot_clear_a_colleagues_two_step_sign_in(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    bea = factories.PractitionerFactory(practice=alice.practice, name="Bea Ortiz")
    app_for(bea)
    assert as_alice.post(f"/team/{bea.pk}/two-step/reset/").status_code == 403
    assert AuthenticatorApp.objects.filter(user=bea).exists()


def test_sessions_already_open_follow_a_new_requirement_within_a_minute(
    alice: Practitioner,
) -> None:
    with time_machine.travel(NOW, tick=False):
        http = sign_in(alice)
        assert http.get("/clients/").status_code == 200
        alice.practice.require_two_factor = True
        alice.practice.save()
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert http.get("/clients/")["Location"].startswith("/account/two-step/setup/")
