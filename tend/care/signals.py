"""What happens to sessions that the apps above care act on.

Check-ins follow a session's plan (tend/checkins/receivers.py). Sent inside the write's
transaction, so what the receivers do stands or falls with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# A session was logged, or its time, intensity, modality or plan changed. Sent with session=.
plan_changed = Signal()
# A session is about to be deleted. Sent with session=.
session_deleting = Signal()
