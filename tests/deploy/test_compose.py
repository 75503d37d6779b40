"""compose.yaml, as far as it can be checked without Docker (not installed here): it parses,
and its services, commands, environment, health checks and order are what README says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.test_readme import read_by_the_code

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, Any] = COMPOSE["services"]
EXAMPLE = (ROOT / ".env.example").read_text()


def test_web_worker_and_postgresql_with_its_data_in_a_named_volume() -> None:
    assert set(SERVICES) == {"web", "worker", "db"}
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:")
    assert db["volumes"] == ["db:/var/lib/postgresql/data"]
    assert "db" in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_web_server_runs_without_workers_of_its_own_and_the_worker_beside_it() -> None:
    web, worker = SERVICES["web"], SERVICES["worker"]
    assert web["command"] == ["tend", "serve", "--addr", "0.0.0.0:8000", "--workers", "0"]
    assert "entrypoint" not in web  # the image's: migrate, first admin, then serve
    assert worker["entrypoint"] == ["tend"] and worker["command"] == ["worker"]
    for service in (web, worker):
        assert service["build"] == "." and service["restart"] == "unless-stopped"


def test_web_waits_for_a_healthy_database_and_is_checked_on_health() -> None:
    web, worker = SERVICES["web"], SERVICES["worker"]
    assert web["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert worker["depends_on"]["db"] == {"condition": "service_healthy"}
    check = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in check
    # The check's Host is always allowed, whatever TEND_ALLOWED_HOSTS says.
    assert web["environment"]["TEND_ALLOWED_HOSTS"].endswith(",127.0.0.1")


def test_secrets_are_required_and_reach_tend() -> None:
    env = SERVICES["web"]["environment"]
    assert SERVICES["worker"]["environment"] == env
    for secret in ("TEND_SECRET_KEY", "TEND_ENCRYPTION_KEYS"):
        assert env[secret] == f"${{{secret}:?set {secret} in .env (see .env.example)}}"
    assert env["TEND_DATABASE_URL"].startswith("postgres://tend:${POSTGRES_PASSWORD:?")
    assert env["TEND_DATABASE_URL"].endswith("@db:5432/tend")
    db = SERVICES["db"]["environment"]
    assert (db["POSTGRES_USER"], db["POSTGRES_DB"]) == ("tend", "tend")
    # Everything else in .env (the first admin, email) reaches both.
    assert SERVICES["web"]["env_file"] == [{"path": ".env", "required": False}]


def test_every_variable_compose_asks_for_is_in_env_example_and_read_by_tend() -> None:
    asked = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE_TEXT))
    offered = set(re.findall(r"^#? ?([A-Z_]+)=", EXAMPLE, re.MULTILINE))
    assert asked <= offered, asked - offered
    for first_admin in ("TEND_PRACTICE_NAME", "TEND_ADMIN_NAME", "TEND_ADMIN_EMAIL"):
        assert first_admin in offered
    tends = {name for name in offered if name.startswith("TEND_")}
    assert tends <= read_by_the_code(), tends - read_by_the_code()


def test_the_readme_says_what_this_compose_file_does() -> None:
    readme = (ROOT / "README.md").read_text()
    deploying = " ".join(readme.split("## Deploying", 1)[1].split("\n## ", 1)[0].split())
    version = SERVICES["db"]["image"].split(":")[1]
    for claim in (
        "`web` runs `tend serve --workers 0` on port 8000",
        "`worker` runs `tend worker`",
        f"`db` is PostgreSQL {version} with a health check, its data in the named volume `db`",
        "`web` starts once it is healthy",
        "Docker checks `web` on `GET /health/`",
        "without `TEND_SECRET_KEY`, `TEND_ENCRYPTION_KEYS` and `POSTGRES_PASSWORD`",
        "**Not built here.**",
    ):
        assert claim in deploying, claim
