"""Second factors at rest: each authenticator app's key is encrypted and only a salted hash
of each recovery code is kept, in Tend's own tables. Rows in django-otp's tables (otp_totp,
otp_static, which held both in plain text) move over, and those tables are dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tend.lib.fields

OLD_TABLES = ("otp_static_statictoken", "otp_static_staticdevice", "otp_totp_totpdevice")


def move_old_factors(apps, schema_editor):
    from tend.lib import recovery_codes

    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    App = apps.get_model("practices", "AuthenticatorApp")
    Codes = apps.get_model("practices", "RecoveryCodes")
    Code = apps.get_model("practices", "RecoveryCode")
    with connection.cursor() as cursor:
        if "otp_totp_totpdevice" in existing:
            cursor.execute(
                "SELECT user_id, name, confirmed, key, last_t, drift FROM otp_totp_totpdevice"
            )
            for user_id, name, confirmed, key, last_t, drift in cursor.fetchall():
                App.objects.create(
                    user_id=user_id,
                    name=name,
                    confirmed=confirmed,
                    key=key,
                    last_t=last_t,
                    drift=drift,
                )
        if {"otp_static_staticdevice", "otp_static_statictoken"} <= existing:
            cursor.execute("SELECT id, user_id, name, confirmed FROM otp_static_staticdevice")
            for old_id, user_id, name, confirmed in cursor.fetchall():
                device = Codes.objects.create(user_id=user_id, name=name, confirmed=confirmed)
                cursor.execute(
                    "SELECT token FROM otp_static_statictoken WHERE device_id = %s", [old_id]
                )
                Code.objects.bulk_create(
                    Code(codes=device, hashed=recovery_codes.hashed(token))
                    for (token,) in cursor.fetchall()
                )
        for table in OLD_TABLES:
            if table in existing:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("DELETE FROM django_migrations WHERE app IN ('otp_totp', 'otp_static')")


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0006_two_factor_and_limits"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorApp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                ("key", tend.lib.fields.EncryptedTextField()),
                ("last_t", models.BigIntegerField(default=-1)),
                ("drift", models.SmallIntegerField(default=0)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCodes",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hashed", models.CharField(max_length=128)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "codes",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="practices.recoverycodes",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_old_factors, migrations.RunPython.noop),
    ]
