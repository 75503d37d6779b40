"""Browser sessions move to a table that names the practitioner signed in on each
(tend.practices.sessions), so nobody is signed out by the move."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_sessions(apps, schema_editor):
    import datetime

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    connection = schema_editor.connection
    if "django_session" not in connection.introspection.table_names():
        return
    BrowserSession = apps.get_model("practices", "BrowserSession")
    Practitioner = apps.get_model("practices", "Practitioner")
    people = set(Practitioner.objects.values_list("pk", flat=True))
    store = SessionStore()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_key, session_data, expire_date FROM django_session"
            " WHERE expire_date > %s",
            [timezone.now()],
        )
        rows = []
        for key, data, expires in cursor.fetchall():
            if timezone.is_naive(expires):  # SQLite's rows, in UTC
                expires = timezone.make_aware(expires, datetime.UTC)
            try:
                who = int(store.decode(data).get(SESSION_KEY))
            except (TypeError, ValueError):
                who = None
            rows.append(
                BrowserSession(
                    session_key=key,
                    session_data=data,
                    expire_date=expires,
                    practitioner_id=who if who in people else None,
                )
            )
        BrowserSession.objects.bulk_create(rows, batch_size=500)
        cursor.execute("DELETE FROM django_session")


class Migration(migrations.Migration):
    dependencies = [
        ("sessions", "0001_initial"),
        ("practices", "0007_encrypted_app_keys_and_hashed_recovery_codes"),
    ]

    operations = [
        migrations.CreateModel(
            name="BrowserSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "practitioner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(move_sessions, migrations.RunPython.noop),
    ]
