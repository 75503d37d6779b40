"""Background tasks: queued by a request, run by `tend worker`, tidied up by its sweep.

The first tests run the real worker process against the test database and a real SMTP
server on loopback; the retries run the worker's task runner in-process.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tend.clients.models import Client, SignInLink
from tend.notify import background
from tend.notify.background import TaskRunner
from tend.notify.tasks import send_email
from tests import smtp
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


@pytest.mark.usefixtures("transactional_db")
def test_send_email_sends_any_of_our_emails_in_the_language_it_is_given(
    sink: tuple[Inbox, int],
) -> None:
    inbox, port = sink
    result = send_email.enqueue(
        "clients/emails/sign_in",
        to="eli@example.com",
        language="es",
        context={"client": {"name": "Eli"}, "url": "http://127.0.0.1:8000/c/"},
        headers={"Reply-To": "alice@example.com"},
    )
    json.dumps(DBTaskResult.objects.get().args_kwargs)  # plain JSON in the table

    run_worker(port)

    [message] = inbox.messages
    assert message["To"] == "eli@example.com"
    assert message["Reply-To"] == "alice@example.com"
    assert inbox.text(message).startswith("Hola, Eli:")
    assert send_email.get_result(result.id).status == SUCCESSFUL


def finished(status: str, ago: dt.timedelta) -> str:
    result = send_email.enqueue("x", to="a@example.com", language="en", context={})
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


# In-process: retries


def run_tasks() -> None:
    runner = TaskRunner("test")
    while runner.step():
        pass


@pytest.mark.django_db
def test_when_the_mail_server_is_down_the_link_goes_once_it_is_back(
    carmen: Client, settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.free_port(), "timeout": 2},
        }
    }
    page = HttpClient().post("/c/signin/", {"email": "carmen@example.com"})
    assert "Check your email" in page.content.decode()

    run_tasks()

    task = DBTaskResult.objects.get()
    assert task.status == READY  # failed once, and queued again for a minute later
    assert task.exception_class_path == "tend.notify.tasks.TryLater"
    assert dt.timedelta(seconds=50) < task.run_after - timezone.now() <= dt.timedelta(minutes=1)

    controller, inbox, port = smtp.start()
    try:
        settings.MAILERS["default"]["OPTIONS"]["port"] = port
        run_tasks()
        assert inbox.messages == []  # not before its time
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=1, seconds=1)):
            run_tasks()
    finally:
        controller.stop()

    [message] = inbox.to("carmen@example.com")
    assert inbox.text(message).startswith("Hola, Carmen López:")
    task.refresh_from_db()
    assert (task.status, len(task.worker_ids)) == (SUCCESSFUL, 2)


@pytest.mark.django_db
def test_a_task_that_keeps_failing_is_tried_a_few_times_then_left_failed(
    settings: Any,
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.free_port(), "timeout": 2},
        }
    }
    send_email.enqueue("clients/emails/sign_in", to="a@example.com", language="en", context={})
    pauses = []
    for _ in range(background.ATTEMPTS):
        run_tasks()
        task = DBTaskResult.objects.get()
        if task.status == READY:
            pauses.append(round((task.run_after - timezone.now()).total_seconds() / 60))
            DBTaskResult.objects.update(run_after=timezone.now())

    assert pauses == [1, 2, 4, 8]
    task = DBTaskResult.objects.get()
    assert (task.status, len(task.worker_ids)) == (FAILED, background.ATTEMPTS)


@pytest.mark.django_db
def test_a_task_that_brings_its_worker_down_every_time_is_left_failed() -> None:
    result = send_email.enqueue("x", to="a@example.com", language="en", context={})
    long_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=RUNNING, started_at=long_ago, worker_ids=["w"] * background.ATTEMPTS
    )

    assert background.sweep() == 1

    task = DBTaskResult.objects.get()
    assert task.status == FAILED
    assert task.finished_at is not None
