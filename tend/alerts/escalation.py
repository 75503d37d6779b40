"""Who holds an alert, and passing it on when nobody acknowledges it in time.

STUB: the interface the rest of Tend calls; filled in by the escalation work.
"""

from __future__ import annotations

import datetime as dt

from tend.alerts.models import Alert


def start(alert: Alert, at: dt.datetime) -> None:
    """Give a new (unsaved or just-saved) alert its first responsible person and deadline.

    Sets alert.responsible, alert.step and alert.escalate_at, and records who was told.
    Must never leave an alert with nobody responsible.
    """
    alert.escalate_at = at


def run_due(worker: str) -> int:
    """The worker's duty: tell and pass on alerts whose time has come. Returns how many."""
    return 0
