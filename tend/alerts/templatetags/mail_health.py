from __future__ import annotations

from typing import Any

from django import template

from tend.alerts import mail_health
from tend.notify import heartbeat

register = template.Library()


@register.inclusion_tag("alerts/mail_notice.html", takes_context=True)
def mail_notice(context: template.Context) -> dict[str, Any]:
    """For admins, on every page: a plain line when no worker is sending follow-ups, or when
    emails have stopped going out."""
    user = getattr(context.get("request"), "user", None)
    if getattr(user, "role", None) != "admin":
        return {}
    if not heartbeat.alive():
        return {"no_worker": True}
    return {"stalled": mail_health.stalled(user.practice_id)}  # type: ignore[union-attr]
