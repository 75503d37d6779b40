"""A practitioner is emailed when how they sign in changes (their password, their two-step
sign-in, their role or whether they can sign in at all), and only then. Passwords are 12
characters or more wherever one is chosen; an older, shorter one keeps signing in."""

from __future__ import annotations

import datetime as dt
import html
import re
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from tend.practices import two_factor
from tend.practices.models import AuthenticatorApp, Practitioner
from tests import factories
from tests.smtp import Inbox
from tests.two_step import app_for, code_of, verified
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "moss-on-the-north-side-19"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
Admin = Practitioner.Role.ADMIN


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def notices(inbox: Inbox, email: str) -> list[EmailMessage]:
    run_worker()
    # Every email to them but a password reset link.
    reset_link = re.compile(r"/password-reset/[^/\s]+/")
    return [m for m in inbox.to(email) if not reset_link.search(inbox.text(m))]


def only_notice(inbox: Inbox, email: str, subject: str) -> str:
    [message] = notices(inbox, email)
    assert message["Subject"] == subject
    return inbox.text(message)


def sign_in(email: str, password: str) -> Any:
    return HttpClient().post("/login/", {"username": email, "password": password})


def change(http: HttpClient, old: str, new: str, again: str | None = None) -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return http.post("/account/password/", data)


@pytest.fixture
def ana(alice: Practitioner) -> Practitioner:
    """Alice's practice's admin."""
    return factories.PractitionerFactory(
        practice=alice.practice, name="Ana Rivera", email="ana@example.com", role=Admin
    )


# Changing a password -------------------------------------------------------------------


def test_changing_your_password_asks_for_the_current_one_and_emails_you(
    alice: Practitioner, ana: Practitioner, as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    other_desk = HttpClient()
    other_desk.force_login(alice)
    assert "Change your password" in visible(as_alice.get("/account/"))

    done = change(as_alice, factories.PASSWORD, NEW_PASSWORD)

    assert done["Location"] == "/account/"
    assert "Your password is changed." in visible(as_alice.get("/account/"))
    assert other_desk.get("/clients/")["Location"] == "/login/?next=/clients/"
    assert sign_in(alice.email, NEW_PASSWORD)["Location"] == "/"
    body = only_notice(smtp_inbox, "alice@example.com", "Your Tend password was changed")
    assert body.startswith("Hello Alice Moreno,")
    assert "The password for your Tend account was changed." in body
    assert re.search(r"When: \w{3} \d{1,2} \w{3}, \d\d:\d\d \(UTC\)\.", body)
    assert "If it wasn't you, please tell your practice's admin straight away" in body
    assert "/password-reset/" in body
    assert "Your practice's admins: Ana Rivera." in body
    assert NEW_PASSWORD not in body and factories.PASSWORD not in body


def test_a_wrong_current_password_or_a_short_new_one_changes_nothing_and_sends_nothing(
    alice: Practitioner, as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    wrong = change(as_alice, "not-my-password-at-all", NEW_PASSWORD)
    short = change(as_alice, factories.PASSWORD, "river-bank7")  # 11 characters
    different = change(as_alice, factories.PASSWORD, NEW_PASSWORD, "moss-on-the-south-side")

    assert wrong.status_code == short.status_code == different.status_code == 200
    assert "Your old password was entered incorrectly." in visible(wrong)
    assert "It must contain at least 12 characters." in visible(short)
    assert "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match." in visible(
        different
    )
    assert sign_in(alice.email, factories.PASSWORD)["Location"] == "/"
    assert notices(smtp_inbox, "alice@example.com") == []


def test_saving_the_account_page_sends_nothing(as_alice: HttpClient, smtp_inbox: Inbox) -> None:
    as_alice.post("/account/", {"name": "Alice M.", "language": "en", "timezone": "UTC"})
    assert notices(smtp_inbox, "alice@example.com") == []


def test_the_change_password_page_needs_signing_in() -> None:
    response = HttpClient().get("/account/password/")
    assert response["Location"] == "/login/?next=/account/password/"


def test_a_reset_password_is_told_in_their_language(alice: Practitioner, smtp_inbox: Inbox) -> None:
    alice.language = "es"
    alice.save()
    http = HttpClient()
    http.post("/password-reset/", {"email": alice.email})
    run_worker()
    [link] = smtp_inbox.links(smtp_inbox.to(alice.email)[0])
    page = http.get(re.sub(r"^https?://[^/]+", "", link), follow=True)
    form_url = page.redirect_chain[-1][0]
    assert notices(smtp_inbox, alice.email) == []  # asking for a link changes nothing

    http.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    body = only_notice(smtp_inbox, alice.email, "Se cambió tu contraseña de Tend")
    assert body.startswith("Hola, Alice Moreno")
    assert NEW_PASSWORD not in body


def test_an_older_shorter_password_still_signs_in(alice: Practitioner) -> None:
    alice.set_password("short-pw-1")  # chosen before the 12-character rule
    alice.save()
    assert sign_in(alice.email, "short-pw-1")["Location"] == "/"


# Two-step sign-in ----------------------------------------------------------------------


def test_turning_two_step_on_and_off_and_new_recovery_codes_each_send_one_email(
    alice: Practitioner, as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    with time_machine.travel(NOW, tick=False):
        as_alice.get("/account/two-step/setup/")
        key = as_alice.session[two_factor.NEW_KEY]
        as_alice.post("/account/two-step/setup/", {"code": "123456"})  # wrong: nothing yet
        assert notices(smtp_inbox, alice.email) == []
        as_alice.post("/account/two-step/setup/", {"code": code_of(key)})
    on = only_notice(smtp_inbox, alice.email, "Two-step sign-in is on for your Tend account")
    assert "Two-step sign-in was turned on for your Tend account" in on
    smtp_inbox.messages.clear()

    device = AuthenticatorApp.objects.get(user=alice)
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        as_alice.post("/account/two-step/recovery-codes/", {"recovery-code": "111111"})
        assert notices(smtp_inbox, alice.email) == []
        page = as_alice.post(
            "/account/two-step/recovery-codes/", {"recovery-code": code_of(device.key)}
        )
    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", page.text)
    renewed = only_notice(smtp_inbox, alice.email, "New recovery codes for your Tend account")
    assert "the earlier ones no longer work" in renewed
    assert len(codes) == 10 and not any(code in renewed for code in codes)
    smtp_inbox.messages.clear()

    with time_machine.travel(later + dt.timedelta(minutes=5), tick=False):
        as_alice.post("/account/two-step/off/", {"off-code": "111111"})
        assert notices(smtp_inbox, alice.email) == []
        as_alice.post("/account/two-step/off/", {"off-code": code_of(device.key)})
    off = only_notice(smtp_inbox, alice.email, "Two-step sign-in is off for your Tend account")
    assert "your password alone signs you in" in off


def test_an_admin_clearing_your_two_step_sign_in_is_told_with_their_name(
    alice: Practitioner, ana: Practitioner, smtp_inbox: Inbox
) -> None:
    app_for(alice)
    as_ana = verified(ana, app_for(ana))
    as_ana.post(f"/team/{alice.pk}/two-step/reset/")
    body = only_notice(smtp_inbox, alice.email, "Your two-step sign-in was cleared")
    assert "Ana Rivera cleared the authenticator app and recovery codes" in body

    smtp_inbox.messages.clear()
    as_ana.post(f"/team/{alice.pk}/two-step/reset/")  # nothing left to clear
    assert notices(smtp_inbox, alice.email) == []


# Role and switching off ----------------------------------------------------------------


def test_a_new_role_and_being_switched_off_and_on_are_each_told(
    alice: Practitioner, ana: Practitioner, smtp_inbox: Inbox
) -> None:
    as_ana = HttpClient()
    as_ana.force_login(ana)
    as_ana.post(f"/team/{alice.pk}/role/", {"role": "member"})  # already: nothing changes
    assert notices(smtp_inbox, alice.email) == []

    as_ana.post(f"/team/{alice.pk}/role/", {"role": "admin"})
    role = only_notice(smtp_inbox, alice.email, "Your role in Tend changed")
    assert "Ana Rivera changed your role in" in role and "it is now “Admin”." in role
    smtp_inbox.messages.clear()

    as_ana.post(f"/team/{alice.pk}/deactivate/", {"colleague": ana.pk})
    off = only_notice(smtp_inbox, alice.email, "Your Tend account was switched off")
    assert "please talk with your practice's admin" in off
    smtp_inbox.messages.clear()

    as_ana.post(f"/team/{alice.pk}/reactivate/")
    only_notice(smtp_inbox, alice.email, "Your Tend account is switched on again")
