from __future__ import annotations

from typing import Any

from django import template

from tend.alerts import mail_health

register = template.Library()


@register.inclusion_tag("alerts/mail_notice.html", takes_context=True)
def mail_notice(context: template.Context) -> dict[str, Any]:
    """For admins, on every page: a plain line when emails have stopped going out."""
    user = getattr(context.get("request"), "user", None)
    is_admin = getattr(user, "role", None) == "admin"
    return {"stalled": is_admin and mail_health.stalled(user.practice_id)}  # type: ignore[union-attr]
