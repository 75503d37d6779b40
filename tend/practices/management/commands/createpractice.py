"""`tend createpractice`: a new practice and its first practitioner (an admin).

With `--from-env` it reads them from TEND_PRACTICE_NAME, TEND_ADMIN_NAME, TEND_ADMIN_EMAIL
and TEND_ADMIN_PASSWORD (or TEND_ADMIN_PASSWORD_FILE), for a container's first start: it
does nothing when none of them is set or when that admin already exists, so every later
start changes nothing (and never resets a password the admin has since changed).
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from tend.lib.env import env_str
from tend.practices.models import Practice, Practitioner

FROM_ENV = {
    "practice": "TEND_PRACTICE_NAME",
    "name": "TEND_ADMIN_NAME",
    "email": "TEND_ADMIN_EMAIL",
    "password": "TEND_ADMIN_PASSWORD",
}


class Command(BaseCommand):
    help = "Create a practice and its first practitioner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", help="The practice's name")
        parser.add_argument("--name", help="The practitioner's name")
        parser.add_argument("--email")
        parser.add_argument("--language", default="en", choices=["en", "es"])
        parser.add_argument(
            "--from-env",
            action="store_true",
            help=(
                "Read the practice and its admin from TEND_PRACTICE_NAME, TEND_ADMIN_NAME, "
                "TEND_ADMIN_EMAIL and TEND_ADMIN_PASSWORD(_FILE); do nothing when they are "
                "unset or that admin exists already"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_env"]:
            self.from_env(options["language"])
            return
        missing = [f"--{flag}" for flag in ("practice", "name", "email") if not options[flag]]
        if missing:
            raise CommandError(f"Please give {', '.join(missing)} (or --from-env).")
        email = checked_email(options["email"])
        if Practitioner.objects.filter(email=email).exists():
            raise CommandError(f"There is already a practitioner with {email}.")
        password = getpass.getpass("Password: ")
        self.create(options["practice"], options["name"], email, password, options["language"])

    def from_env(self, language: str) -> None:
        values = {key: env_str(name).strip() for key, name in FROM_ENV.items()}
        if not any(values.values()):
            self.stdout.write("No first practice in the environment (TEND_ADMIN_EMAIL unset).")
            return
        missing = [FROM_ENV[key] for key, value in values.items() if not value]
        if missing:
            raise CommandError(
                f"To create the first practice, also set {', '.join(missing)} "
                "(a password may instead be in the file named by TEND_ADMIN_PASSWORD_FILE)."
            )
        email = checked_email(values["email"])
        if Practitioner.objects.filter(email=email).exists():
            self.stdout.write(f"{email} is already here; nothing to create.")
            return
        self.create(values["practice"], values["name"], email, values["password"], language)

    def create(
        self, practice_name: str, name: str, email: str, password: str, language: str
    ) -> None:
        practitioner = Practitioner(email=email, name=name)
        try:
            validate_password(password, practitioner)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            practice = Practice.objects.create(name=practice_name)
            Practitioner.objects.create_user(
                email,
                password,
                practice=practice,
                name=name,
                role=Practitioner.Role.ADMIN,
                language=language,
            )
        self.stdout.write(self.style.SUCCESS(f"Created {practice.name}; sign in as {email}."))


def checked_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{email!r} doesn't look like an email address.") from None
    return email
