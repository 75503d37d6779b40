"""`tend rotate_keys`: re-encrypt all sensitive text with the newest key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from tend.lib.fields import EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt sensitive text with the first key in TEND_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            pks = list(model._default_manager.values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = list(model._default_manager.filter(pk__in=pks[start : start + BATCH]))
                    # Reading decrypts with any key; saving encrypts with the newest one.
                    model._default_manager.bulk_update(rows, fields)
                    count += len(rows)
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
