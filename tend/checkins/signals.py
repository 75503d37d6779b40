"""What happens to check-ins that the apps above checkins act on."""

from __future__ import annotations

from django.dispatch import Signal

# A client answered a check-in, first or again: the alerts app screens the answer and opens
# what it warrants (tend/alerts/receivers.py). Sent inside the answer's transaction, with
# checkin=.
answered = Signal()
