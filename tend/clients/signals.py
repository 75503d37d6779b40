"""What happens to clients that the apps above clients act on."""

from __future__ import annotations

from django.dispatch import Signal

# A client's time zone or quiet hours changed: what is still to reach them must fit the new
# ones (tend/checkins/receivers.py). Sent with client=.
clock_changed = Signal()
