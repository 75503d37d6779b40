"""What the client said that an alert is about, in their own words, for the practitioner.

Never for emails or logs: these are the client's words, decrypted for the page only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tend.alerts.models import Alert, Level
from tend.alerts.reasons import reason
from tend.checkins.models import CheckIn, ClientReply


def client_words(alert: Alert) -> list[tuple[str, str]]:
    """(what it is, the words) for the check-in's need and note and any message back."""
    words = alert.checkin.client_words() if alert.checkin is not None else []
    answer_id = (alert.detail or {}).get("wrote_back")
    if isinstance(answer_id, int):
        answer = ClientReply.objects.filter(pk=answer_id, client_id=alert.client_id).first()
        if answer is not None:
            words.append((str(_("What they wrote back")), answer.body))
    return words


def urgent_reasons(checkin: CheckIn) -> list[str]:
    """Why this check-in is urgent, in plain words: nothing if it is not."""
    found = [reason(a) for a in checkin.alerts.filter(level=Level.URGENT).order_by("opened_at")]
    if not found and checkin.safety_level == "urgent":
        found.append(_("wrote words that may mean danger"))
    if not found and checkin.needs_crisis_lines:
        found.append(_("activation 10/10 and asked you to reach out"))
    return list(dict.fromkeys(found))
