"""An alert's reason in plain words, as the practitioner reads it in the queue and emails."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tend.alerts.models import Alert, Kind, Level


def reason(alert: Alert) -> str:
    return reason_for(alert.kind, alert.level, alert.detail)


def reason_for(kind: str, level: str, detail: dict[str, Any] | None) -> str:
    detail = detail or {}
    if kind == Kind.SAFETY:
        if detail.get("measure"):
            return _("answered a questionnaire's question on thoughts of death or self-harm")
        if detail.get("entry"):
            if level == Level.URGENT:
                return _("shared a journal entry with words that may mean danger")
            return _("shared a journal entry with words that may mean they are losing hope")
        if level == Level.URGENT:
            return _("wrote words that may mean danger")
        return _("wrote words that may mean they are losing hope")
    if kind == Kind.CONTACT:
        if detail.get("wrote_back"):
            return _("wrote back to your reply")
        return _("asked you to reach out")
    if kind == Kind.ACTIVATION:
        activation = detail.get("activation")
        usual = detail.get("usual")
        if usual is not None:
            return _("activation %(now)s/10, usually around %(usual)s") % {
                "now": activation,
                "usual": usual,
            }
        return _("activation %(now)s/10") % {"now": activation}
    if kind == Kind.BASICS:
        days = int(detail.get("days", 1))
        missing = set(detail.get("missing", []))
        if missing == {"slept"}:
            text = ngettext("hasn't slept for %(n)d day", "hasn't slept for %(n)d days", days)
        elif missing == {"ate"}:
            text = ngettext("hasn't eaten for %(n)d day", "hasn't eaten for %(n)d days", days)
        else:
            text = ngettext(
                "hasn't slept or eaten for %(n)d day", "hasn't slept or eaten for %(n)d days", days
            )
        return text % {"n": days}
    if kind == Kind.SILENCE:
        hours = int(detail.get("hours", 0))
        if hours >= 48:
            days = hours // 24
            text = ngettext(
                "no answer for %(n)d day after an intense session",
                "no answer for %(n)d days after an intense session",
                days,
            )
            return text % {"n": days}
        return ngettext(
            "no answer for %(n)d hour after an intense session",
            "no answer for %(n)d hours after an intense session",
            hours,
        ) % {"n": hours}
    if kind == Kind.UNREACHABLE:
        if detail.get("error"):
            return _("Tend couldn't reach them by email (the mail server said “%(error)s”)") % {
                "error": detail["error"]
            }
        return _("Tend couldn't reach them by email")
    return str(Kind(kind).label)
