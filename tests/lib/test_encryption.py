from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from tend.care.models import Session
from tend.lib import crypto
from tests import factories

pytestmark = pytest.mark.django_db


def raw_private_note(session: Session) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_note FROM care_session WHERE id = %s", [session.pk])
        return str(cursor.fetchone()[0])


def test_session_notes_are_unreadable_in_the_database() -> None:
    session = factories.SessionFactory(private_note="She spoke about her father.")
    raw = raw_private_note(session)
    assert "father" not in raw
    assert Session.objects.get(pk=session.pk).private_note == "She spoke about her father."


def test_old_text_stays_readable_after_a_new_key_and_rotation_moves_it(settings: object) -> None:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old_key]  # type: ignore[attr-defined]
    session = factories.SessionFactory(private_note="Written under the old key.")
    assert crypto.decrypt(raw_private_note(session), (old_key,)) == "Written under the old key."

    settings.ENCRYPTION_KEYS = [new_key, old_key]  # type: ignore[attr-defined]
    assert Session.objects.get(pk=session.pk).private_note == "Written under the old key."

    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    raw = raw_private_note(session)
    assert crypto.decrypt(raw, (new_key,)) == "Written under the old key."
    with pytest.raises(crypto.UnreadableText):
        crypto.decrypt(raw, (old_key,))
