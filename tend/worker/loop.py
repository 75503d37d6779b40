"""`tend worker`'s loop: every duty of the worker in turn, in one place.

A round sends due check-ins and reminders, then the emails written ahead (sign-in links,
replies, alerts), passes on alerts nobody has acknowledged, now and then closes check-in
windows, notices silence and clients email can't reach, and runs a few background tasks.

Faults cost seconds: a mail server that can't be reached leaves its rows for a later round
(one log line per outage); a lost database is waited out with growing pauses (one log line
per outage, never an exit), and once it is back every row this worker had claimed is free
again at once rather than when its lease would have run out.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from tend.alerts import escalation, reachability
from tend.alerts import services as alert_services
from tend.assessments import schedule as questionnaires
from tend.checkins import dispatch
from tend.checkins.dispatch import Dispatcher
from tend.checkins.models import CheckIn
from tend.lib import leases
from tend.notify import drain, heartbeat
from tend.notify.models import Delivery
from tend.notify.sender import MailDown, Sender
from tend.worker.background import TaskRunner

log = logging.getLogger("tend.worker")

# Closing windows and looking for silence read many rows, so a worker does them now and
# then, not every round: each happens within this many seconds of its time.
SWEEP_SECONDS = 30.0
LONGEST_PAUSE = 5.0


class Loop:
    def __init__(self, worker: str, batch: int = 100, tasks: int = 10) -> None:
        self.worker = worker
        self.sender = Sender()
        self.checkins = Dispatcher(worker, self.sender, batch=batch)
        self.tasks = TaskRunner(worker, per_step=tasks)
        self.stopped = threading.Event()
        self.next_sweep = 0.0
        self.mail_down_since: float | None = None
        self.db_lost_since: float | None = None
        self.started_at = timezone.now()
        self.next_beat = 0.0

    def stop(self) -> None:
        """Finish the message or task in hand, give the rest of the batch back, and exit."""
        self.checkins.stop()
        self.tasks.stop()
        self.stopped.set()

    def run(self, interval: float = 2.0, until_idle: bool = False) -> None:
        pause = 0.5
        try:
            while not self.stopped.is_set():
                try:
                    if not connection.in_atomic_block:  # (a test's transaction)
                        close_old_connections()
                    if self.db_lost_since is not None:
                        self._database_back()
                    found = self.step()
                except DatabaseError as exc:
                    if until_idle:
                        raise  # a script (or a test) wants to know
                    self._database_lost(exc)
                    self.stopped.wait(pause)
                    pause = min(pause * 2, LONGEST_PAUSE)
                    continue
                pause = 0.5
                if not found:
                    if until_idle:
                        break
                    self.sender.close()  # an idle line would time out anyway
                    self.stopped.wait(interval)
        finally:
            self.sender.close()
            if not until_idle:  # a script's or a test's rounds are not a worker leaving
                with contextlib.suppress(DatabaseError):
                    heartbeat.forget(self.worker)

    def step(self) -> bool:
        """One round of every duty. True if there was anything to do."""
        if time.monotonic() >= self.next_beat:
            self.next_beat = time.monotonic() + heartbeat.EVERY
            heartbeat.beat(self.worker, self.started_at)
        found = self._send()
        if not self.stopped.is_set():
            found |= escalation.run_due() > 0
        if not self.stopped.is_set() and time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + SWEEP_SECONDS
            found |= dispatch.close_windows() > 0
            found |= alert_services.silent_after_intense() > 0
            found |= reachability.open_alerts() > 0
        if not self.stopped.is_set():
            found |= self.tasks.step()  # a few at most: check-ins never wait long
        return found

    def _send(self) -> bool:
        try:
            found = self.checkins.send_due() > 0
            found |= self.checkins.send_reminders() > 0
            found |= questionnaires.send_due() > 0
            found |= questionnaires.send_reminders() > 0
            found |= drain.run(self.worker, self.sender, self.stopped.is_set) > 0
        except MailDown as trouble:
            if self.mail_down_since is None:
                self.mail_down_since = time.monotonic()
                log.warning("%s; emails wait and are tried again shortly", trouble)
            return False
        if self.mail_down_since is not None and found:
            log.warning("the mail server answers again (after %.0f s)", self._since("mail"))
            self.mail_down_since = None
        return found

    def _since(self, what: str) -> float:
        start = self.mail_down_since if what == "mail" else self.db_lost_since
        return time.monotonic() - (start or time.monotonic())

    def _database_lost(self, exc: DatabaseError) -> None:
        with contextlib.suppress(DatabaseError):
            connection.close()
        if self.db_lost_since is None:
            self.db_lost_since = time.monotonic()
            log.warning("lost the database (%s); waiting for it to come back", type(exc).__name__)

    def _database_back(self) -> None:
        """Whatever this worker claimed before, it lost sight of: free for anyone now."""
        for model in (CheckIn, Delivery):
            leases.release_all(model, self.worker)
        log.warning("the database is back (after %.0f s)", self._since("db"))
        self.db_lost_since = None
