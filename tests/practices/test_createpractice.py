"""`tend createpractice`: by hand, or, for a container's first start, from the environment
(once: every later start changes nothing)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from tend.practices.models import Practice, Practitioner

pytestmark = pytest.mark.django_db

PASSWORD = "lanterns-by-the-river-27"


def create_from_env() -> str:
    out = io.StringIO()
    call_command("createpractice", "--from-env", stdout=out)
    return out.getvalue()


@pytest.fixture
def first_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEND_PRACTICE_NAME", "Riverside Therapy")
    monkeypatch.setenv("TEND_ADMIN_NAME", "Sam Lee")
    monkeypatch.setenv("TEND_ADMIN_EMAIL", "Sam@Example.com")
    monkeypatch.setenv("TEND_ADMIN_PASSWORD", PASSWORD)


def signs_in(email: str, password: str) -> bool:
    response = HttpClient().post("/login/", {"username": email, "password": password})
    return response.status_code == 302


def test_the_first_admin_from_the_environment_can_sign_in(first_admin: None) -> None:
    assert "Created Riverside Therapy; sign in as sam@example.com." in create_from_env()
    sam = Practitioner.objects.get()
    assert (sam.name, sam.practice.name, sam.role) == ("Sam Lee", "Riverside Therapy", "admin")
    assert signs_in("sam@example.com", PASSWORD)


def test_a_second_start_changes_nothing(first_admin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    create_from_env()
    sam = Practitioner.objects.get()
    sam.set_password("a-password-sam-chose-later-5")
    sam.save()
    monkeypatch.setenv("TEND_PRACTICE_NAME", "Another Name")

    assert "sam@example.com is already here; nothing to create." in create_from_env()
    assert list(Practice.objects.values_list("name", flat=True)) == ["Riverside Therapy"]
    assert Practitioner.objects.count() == 1
    assert signs_in("sam@example.com", "a-password-sam-chose-later-5")  # not reset


def test_the_password_may_come_from_a_file(
    first_admin: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "admin_password"
    secret.write_text(PASSWORD + "\n")
    monkeypatch.delenv("TEND_ADMIN_PASSWORD")
    monkeypatch.setenv("TEND_ADMIN_PASSWORD_FILE", str(secret))
    create_from_env()
    assert signs_in("sam@example.com", PASSWORD)


def test_nothing_set_means_nothing_to_create() -> None:
    assert "No first practice in the environment" in create_from_env()
    assert not Practice.objects.exists()


def test_a_half_set_environment_names_what_is_missing(
    first_admin: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEND_ADMIN_NAME")
    monkeypatch.delenv("TEND_ADMIN_PASSWORD")
    with pytest.raises(CommandError, match="also set TEND_ADMIN_NAME, TEND_ADMIN_PASSWORD"):
        create_from_env()
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("TEND_ADMIN_PASSWORD", "123", "too short"),
        ("TEND_ADMIN_PASSWORD", "river-bank7", "at least 12 characters"),  # 11
        ("TEND_ADMIN_EMAIL", "sam at example", "doesn't look like an email address"),
    ],
)
def test_a_weak_password_or_a_wrong_email_creates_nothing(
    first_admin: None, monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(CommandError, match=said):
        create_from_env()
    assert not Practice.objects.exists()


def test_by_hand_it_still_asks_for_the_practice_name_and_email() -> None:
    with pytest.raises(CommandError, match="Please give --practice, --email"):
        call_command("createpractice", "--name", "Sam Lee")
