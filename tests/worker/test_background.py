"""Background tasks: queued by a request, run by `tend worker`, tidied up by its sweep.

The first tests run the real worker process against the test database and a real SMTP
server on loopback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tend.clients.links import send_fresh_link
from tend.clients.models import Client, SignInLink
from tend.notify.models import Delivery
from tend.worker import background
from tests.notify.test_delivery import in_language, run_worker
from tests.smtp import Inbox

SUCCESSFUL, FAILED, READY, RUNNING = "SUCCESSFUL", "FAILED", "READY", "RUNNING"


def statuses() -> list[str]:
    return list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))


# With the real worker


@pytest.mark.usefixtures("transactional_db")
def test_a_fresh_link_asked_for_is_sent_by_the_worker_in_the_clients_language(
    sink: tuple[Inbox, int], carmen: Client
) -> None:
    inbox, port = sink

    page = HttpClient().post("/c/signin/", {"email": "Carmen@example.com"})

    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    assert inbox.messages == []  # nobody waited on the mail server
    assert statuses() == [READY]
    # The task holds the client's id, not the link: links are kept only as a hash.
    [stored] = DBTaskResult.objects.values_list("args_kwargs", flat=True)
    assert stored == {"args": [carmen.pk], "kwargs": {}}
    assert not SignInLink.objects.exists()

    run_worker(port)

    [message] = inbox.to("carmen@example.com")
    assert message["Subject"] == in_language("es", "Your sign-in link for Tend")
    assert inbox.text(message).startswith("Hola, Carmen López:")
    assert '<html lang="es">' in inbox.html(message)
    [link] = inbox.links(message)
    assert HttpClient().post(link)["Location"] == "/c/"
    assert statuses() == [SUCCESSFUL]
    # Its email was kept, encrypted, only until it had gone.
    sent = Delivery.objects.get(kind=Delivery.Kind.SIGN_IN)
    assert (sent.state, sent.message, sent.client_id) == ("sent", "", carmen.pk)


def finished(status: str, ago: dt.timedelta) -> str:
    result = send_fresh_link.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, started_at=timezone.now() - ago, finished_at=timezone.now() - ago
    )
    return result.id


@pytest.mark.usefixtures("transactional_db")
def test_the_worker_prunes_finished_tasks_once_they_are_old_and_keeps_the_rest(
    sink: tuple[Inbox, int], settings: Any
) -> None:
    _, port = sink
    limits = (settings.TASKS_KEEP_SUCCESSFUL, settings.TASKS_KEEP_FAILED)
    assert limits == (dt.timedelta(days=1), dt.timedelta(days=7))
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    kept = {
        finished(SUCCESSFUL, 23 * hour),
        finished(FAILED, 6 * day),
        finished(FAILED, 2 * day),
        finished(RUNNING, 5 * dt.timedelta(minutes=1)),  # running, within the limit
    }
    pruned = {finished(SUCCESSFUL, day + hour), finished(FAILED, 7 * day + hour)}

    run_worker(port)

    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == kept
    assert not left & pruned


@pytest.mark.usefixtures("transactional_db")
def test_a_task_left_running_by_a_killed_worker_runs_again_after_the_limit(
    sink: tuple[Inbox, int], carmen: Client, settings: Any
) -> None:
    inbox, port = sink
    limit = settings.TASKS_RUNNING_LIMIT
    assert limit == dt.timedelta(minutes=15)
    HttpClient().post("/c/signin/", {"email": "carmen@example.com"})
    HttpClient().post("/c/signin/", {"email": "carmen@example.com"})
    abandoned, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=abandoned.pk).update(
        status=RUNNING, started_at=timezone.now() - dt.timedelta(minutes=16), worker_ids=["gone"]
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status=RUNNING, started_at=timezone.now() - dt.timedelta(minutes=14), worker_ids=["busy"]
    )

    run_worker(port)

    [message] = inbox.to("carmen@example.com")  # the abandoned one, once
    assert inbox.links(message)
    abandoned.refresh_from_db()
    assert abandoned.status == SUCCESSFUL
    assert abandoned.worker_ids[0] == "gone" and len(abandoned.worker_ids) == 2
    recent.refresh_from_db()
    assert (recent.status, recent.worker_ids) == (RUNNING, ["busy"])  # maybe still running


@pytest.mark.django_db
def test_a_task_that_brings_its_worker_down_every_time_is_left_failed() -> None:
    result = send_fresh_link.enqueue(0)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=RUNNING, started_at=long_ago, worker_ids=["w"] * background.ATTEMPTS
    )

    assert background.sweep() == 1

    task = DBTaskResult.objects.get()
    assert task.status == FAILED
    assert task.finished_at is not None
