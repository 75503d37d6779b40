"""What the client said that an alert is about, in their own words, for the practitioner.

Never for emails or logs: these are the client's words, decrypted for the page only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tend.alerts.models import Alert
from tend.checkins.models import ClientReply


def client_words(alert: Alert) -> list[tuple[str, str]]:
    """(what it is, the words) for the check-in's need and note and any message back."""
    words = []
    checkin = alert.checkin
    if checkin is not None:
        if checkin.need.strip():
            words.append((_("What they need"), checkin.need))
        if checkin.note.strip():
            words.append((_("Their note"), checkin.note))
    answer_id = (alert.detail or {}).get("wrote_back")
    if isinstance(answer_id, int):
        answer = ClientReply.objects.filter(pk=answer_id, client_id=alert.client_id).first()
        if answer is not None:
            words.append((_("What they wrote back"), answer.body))
    return words
