"""What every page tells the browser: a Content-Security-Policy that allows only Tend's own
scripts and styles (so no inline script or style may remain), never to keep the page, and,
served over HTTPS, to use nothing else."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client as HttpClient
from django.test import override_settings

from tend.checkins import answer_links
from tend.checkins.models import State
from tend.clients.models import Client
from tests import factories
from tests.conftest import signed_in_as

pytestmark = pytest.mark.django_db
TEND = Path(__file__).resolve().parents[2] / "tend"


def pages_people_see() -> list[Path]:
    """Every template a browser is served (emails are read in a mail program, not here)."""
    return [
        p
        for p in TEND.rglob("templates/**/*.html")
        if "emails" not in p.parts and not p.name.endswith("-body.html")
    ]


def test_no_page_holds_an_inline_script_or_style() -> None:
    found = []
    for page in pages_people_see():
        text = page.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=\"", r"\son\w+=\""):
            found += [f"{page.relative_to(TEND)}: {m}" for m in re.findall(pattern, text)]
    assert len(pages_people_see()) > 50
    assert found == []


def test_pages_carry_the_policy_and_are_never_kept(as_alice: HttpClient, dana: Client) -> None:
    checkin = factories.CheckInFactory(client=dana, state=State.SENT, answered_at=None)
    tap = answer_links.answer_url(checkin.pk, "settled").split("8000", 1)[-1]
    for http, path in (
        (as_alice, "/"),
        (as_alice, f"/clients/{dana.pk}/"),
        (signed_in_as(dana), "/c/"),
        (HttpClient(), tap),
        (HttpClient(), "/login/"),
    ):
        response = http.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "no-store" in response["Cache-Control"], path
    assert "tend/tap.js" in HttpClient().get(tap).content.decode()


def test_hosts_are_only_the_named_ones_outside_tests() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", "from tend import settings; print(settings.ALLOWED_HOSTS)"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "['127.0.0.1', 'localhost']"


def production(site: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEND_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return {
        **clean,
        "TEND_SECRET_KEY": "a-long-random-production-secret-" + "y" * 40,
        "TEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TEND_SITE_URL": site,
        "TEND_ALLOWED_HOSTS": "tend.example.org",
    }


def test_the_deployment_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tend.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**production("https://tend.example.org"), "TEND_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_REDIRECT_EXEMPT=[r"^health/$"],
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)
def test_over_https_plain_http_is_sent_to_https_and_browsers_are_told_to_stay() -> None:
    http = HttpClient()  # made after the settings: the middleware reads them as it starts
    plain = http.get("/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/login/"
    secure = http.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert http.get("/health/").status_code != 301  # a load balancer checks over plain HTTP
