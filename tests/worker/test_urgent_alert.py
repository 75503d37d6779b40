"""An urgent alert reaches the practitioner within a minute, through the same outbox and
worker as every other email; the client's crisis lines never wait for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tend.alerts.models import Alert, Level
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests.alerts.test_crisis_confirmation import check_in
from tests.conftest import signed_in_as
from tests.database import database_url
from tests.smtp import Inbox

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("transactional_db")]
ROOT = Path(__file__).resolve().parents[2]


def test_an_urgent_alert_is_in_the_practitioners_inbox_within_a_minute(
    sink: tuple[Inbox, int], alice: Practitioner, dana: Client
) -> None:
    inbox, port = sink
    env = {
        **os.environ,
        "TEND_DATABASE_URL": database_url(),
        "TEND_EMAIL_HOST": "127.0.0.1",
        "TEND_EMAIL_PORT": str(port),
    }
    # A worker as in production: its usual pause of 2 s when there is nothing to do.
    worker = subprocess.Popen([sys.executable, "-m", "tend.cli", "worker"], env=env, cwd=ROOT)
    try:
        time.sleep(3)  # it has started and found nothing to do
        started = time.monotonic()
        page = check_in(signed_in_as(dana), note="I'm going to kill myself tonight.")
        answered_in = time.monotonic() - started
        assert 'id="crisis-resources"' in page  # at once, whatever the mail server does
        assert Alert.objects.get(client=dana).level == Level.URGENT

        while not inbox.to(alice.email) and time.monotonic() - started < 60:
            time.sleep(0.05)
        took = time.monotonic() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)

    [message] = inbox.to(alice.email)
    assert "Urgent" in str(message["Subject"])
    assert "kill" not in Inbox.text(message)  # the reason, never the client's words
    print(f"\nurgent alert: page answered in {answered_in:.2f} s, email arrived in {took:.2f} s")
    assert took < 60
