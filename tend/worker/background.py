"""Background tasks (Django's Tasks API, stored by django-tasks-db), run inside `tend worker`.

django-tasks-db's own worker runs one task per loop and has nobody to tidy up after it, so
the check-in worker runs tasks too, a few between its rounds of check-ins (neither starves
the other), claimed as django-tasks-db's `db_worker` claims them and run by its
`Worker.run_task`. Now and then it also:

- prunes finished rows: successful ones after TASKS_KEEP_SUCCESSFUL, failed ones after
  TASKS_KEEP_FAILED (settings);
- puts back to run a task left RUNNING for longer than TASKS_RUNNING_LIMIT: its worker was
  killed mid-task. A task is run at most ATTEMPTS times in all, so one that brings its
  worker down every time ends up failed rather than going round for ever.

Tasks send no email themselves: one that means to writes it to the outbox
(tend.notify.outbox), and the worker sends it with the rest.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.models import Q
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

log = logging.getLogger(__name__)

ATTEMPTS = 5
SWEEP_SECONDS = 60.0


class TaskRunner:
    def __init__(self, worker: str, per_step: int = 10) -> None:
        self.per_step = per_step
        self.worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker[:64],
            excluded_queue_names=[],
        )
        self.stopping = False
        self.next_sweep = 0.0  # time.monotonic() when finished rows are next pruned

    def stop(self) -> None:
        """Let the task in hand finish; start no other."""
        self.stopping = True

    def step(self) -> bool:
        """Tidy up if it is time, then run up to `per_step` ready tasks. True if any work."""
        found = False
        if not self.stopping and time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + SWEEP_SECONDS
            found |= sweep() > 0
        for _ in range(self.per_step):
            if self.stopping:
                break
            result = self._claim()
            if result is None:
                break
            self.worker.run_task(result)
            found = True
        return found

    def _claim(self) -> DBTaskResult[..., Any] | None:
        """The next ready task, marked RUNNING by this worker (as django-tasks-db's worker)."""
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        if not ready.exists():
            return None  # the usual answer, without locking SQLite for it
        try:
            with exclusive_transaction(ready.db):
                result = ready.get_locked()
                if result is not None:
                    result.claim(self.worker.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None  # another worker is claiming; next round
            raise
        return result


def sweep() -> int:
    """Prune finished tasks and put back those a killed worker left running. How many."""
    return prune() + requeue_abandoned()


def prune() -> int:
    now = timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - settings.TASKS_KEEP_SUCCESSFUL)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - settings.TASKS_KEEP_FAILED)
    ).delete()
    return deleted


def requeue_abandoned() -> int:
    """Tasks RUNNING since before the limit: their worker died. Each goes back to READY
    (or, past ATTEMPTS runs, is left FAILED), only if it is still as it was seen."""
    cutoff = timezone.now() - settings.TASKS_RUNNING_LIMIT
    count = 0
    stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    for pk, started_at, worker_ids in stale.values_list("pk", "started_at", "worker_ids"):
        same = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= ATTEMPTS:
            count += same.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="",
                traceback=f"Its worker stopped during each of {len(worker_ids)} runs.",
            )
            log.warning("task %s abandoned by %d workers; left failed", pk, len(worker_ids))
        else:
            count += same.update(status=TaskResultStatus.READY)
            log.warning("task %s was left running by a stopped worker; queued again", pk)
    return count
