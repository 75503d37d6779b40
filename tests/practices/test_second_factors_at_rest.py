"""Second factors at rest: a copy of the database (or a backup) holds no authenticator app's
key and no recovery code in a form anyone could use; signing in with either still works."""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient

from tend.lib import crypto
from tend.practices import two_factor
from tend.practices.models import AuthenticatorApp, Practitioner, RecoveryCode
from tests import factories
from tests.two_step import app_for, code_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CODE_ON_PAGE = r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>"


def whole_database() -> str:
    """Every row of every table, as text: what a leaked dump would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows).lower()


def sign_in(person: Practitioner) -> HttpClient:
    http = HttpClient()
    response = http.post("/login/", {"username": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert http.get("/")["Location"] == "/login/code/?next=%2F"  # the code is asked for
    return http


def test_no_key_or_recovery_code_is_in_the_database_and_both_still_sign_in(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        as_alice.get("/account/two-step/setup/")
        key = as_alice.session[two_factor.NEW_KEY]
        done = as_alice.post("/account/two-step/setup/", {"code": code_of(key)})
        codes = re.findall(CODE_ON_PAGE, done.text)
        assert len(codes) == 10

        dump = whole_database()
        typed_key = base64.b32encode(bytes.fromhex(key)).decode().lower()
        assert key not in dump and typed_key not in dump
        for code in codes:
            assert code not in dump and code.replace("-", "") not in dump

    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        by_app = sign_in(alice)
        assert by_app.post("/login/code/", {"code": code_of(key)})["Location"] == "/"
        assert by_app.get("/").status_code == 200

        by_code = sign_in(alice)
        assert by_code.post("/login/code/", {"code": codes[0].upper()})["Location"] == "/"
        assert by_code.get("/").status_code == 200
        again = sign_in(alice).post("/login/code/", {"code": codes[0]})
        assert "That code didn&#x27;t match" in again.text
        assert RecoveryCode.objects.filter(codes__user=alice, used_at=None).count() == 9


def test_rotating_keys_re_encrypts_the_apps_key(alice: Practitioner, settings: object) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old_key]  # type: ignore[attr-defined]
    app = app_for(alice)
    settings.ENCRYPTION_KEYS = [new_key, old_key]  # type: ignore[attr-defined]
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM practices_authenticatorapp WHERE id = %s", [app.pk])
        raw = cursor.fetchone()[0]
    assert crypto.decrypt(raw, (new_key,)) == app.key
    with pytest.raises(crypto.UnreadableText):
        crypto.decrypt(raw, (old_key,))


def test_plain_keys_and_codes_from_before_move_over_and_still_work(alice: Practitioner) -> None:
    """An install from before: django-otp's own tables held both in plain text."""
    key, code = two_factor.new_key(), "k2jd7xq4"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer, user_id bigint, name text,"
            " confirmed boolean, key text, last_t bigint, drift smallint)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (1, %s, 'app', true, %s, -1, 0)",
            [alice.pk, key],
        )
        cursor.execute(
            "CREATE TABLE otp_static_staticdevice (id integer, user_id bigint, name text,"
            " confirmed boolean)"
        )
        cursor.execute(
            "INSERT INTO otp_static_staticdevice VALUES (7, %s, 'recovery', true)", [alice.pk]
        )
        cursor.execute("CREATE TABLE otp_static_statictoken (device_id integer, token text)")
        cursor.execute("INSERT INTO otp_static_statictoken VALUES (7, %s)", [code])

    migration = importlib.import_module(
        "tend.practices.migrations.0007_encrypted_app_keys_and_hashed_recovery_codes"
    )
    migration.move_old_factors(apps, SimpleNamespace(connection=connection))

    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
    dump = whole_database()
    assert key not in dump and code not in dump
    assert AuthenticatorApp.objects.get(user=alice).key == key
    with time_machine.travel(NOW, tick=False):
        assert sign_in(alice).post("/login/code/", {"code": code_of(key)})["Location"] == "/"
        assert sign_in(alice).post("/login/code/", {"code": code})["Location"] == "/"
        assert sign_in(alice).post("/login/code/", {"code": code}).status_code == 200
