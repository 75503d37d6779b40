"""`tend createpractice`: a new practice and its first practitioner (an admin)."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from tend.practices.models import Practice, Practitioner


class Command(BaseCommand):
    help = "Create a practice and its first practitioner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="The practice's name")
        parser.add_argument("--name", required=True, help="The practitioner's name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--language", default="en", choices=["en", "es"])

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} doesn't look like an email address.") from None
        if Practitioner.objects.filter(email=email).exists():
            raise CommandError(f"There is already a practitioner with {email}.")
        password = getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        practice = Practice.objects.create(name=options["practice"])
        Practitioner.objects.create_user(
            email,
            password,
            practice=practice,
            name=options["name"],
            role=Practitioner.Role.ADMIN,
            language=options["language"],
        )
        self.stdout.write(self.style.SUCCESS(f"Created {practice.name}; sign in as {email}."))
