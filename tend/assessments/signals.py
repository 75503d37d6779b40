"""What happens to questionnaires that the apps above act on."""

from __future__ import annotations

from django.dispatch import Signal

# A client answered a questionnaire: the alerts app opens an urgent alert when a critical
# item (PHQ-9's ninth) was answered above its lowest option. Sent inside the answer's
# transaction, with administration=.
answered = Signal()
