"""What happens to journal entries that the apps above act on."""

from __future__ import annotations

from django.dispatch import Signal

# A client shared an entry: the alerts app opens what its words warrant
# (tend/alerts/receivers.py). Sent inside the sharing's transaction, with entry=.
shared = Signal()
