"""One way to show a moment, everywhere: "Tue 8 Dec, 09:00 (Madrid time)", in the reader's
language, always with the zone it is told in. A day alone reads "Tue 8 Dec".

Template builtins (settings.TEMPLATES), no {% load %} needed:
  {{ moment|when }}                  in the reader's own zone (the active one)
  {{ moment|when:client.timezone }}  in another zone, named
  {{ moment|day }}                   the day alone, in the reader's zone
  {{ moment|days_ago }}              0 today, 1 yesterday (in the reader's zone)
  {{ "Europe/Madrid"|zone_label }}   "Madrid time"
The year shows only when it is not this year. Formats are translatable ("date format"
context), so Spanish reads "mar 8 dic, 09:00 (hora de Madrid)".
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import get_timezone, get_timezone_location
from django import template
from django.utils import dateformat, timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})


def babel_locale(language: str | None = None) -> Locale:
    code = (language or translation.get_language() or "en").replace("-", "_")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@lru_cache(maxsize=2048)
def _city(zone: str, language: str) -> str:
    try:
        city = str(get_timezone_location(get_timezone(zone), babel_locale(language), True))
    except (LookupError, ValueError):
        city = ""
    if not city or "/" in city or zone in UTC_NAMES:
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return city


def zone_name(zone: dt.tzinfo | str | None) -> str:
    if zone is None:
        return timezone.get_current_timezone_name()
    return zone if isinstance(zone, str) else str(getattr(zone, "key", zone))


@register.filter
def zone_label(zone: dt.tzinfo | str | None) -> str:
    """ "Madrid time", "hora de Madrid"; "UTC" for UTC."""
    name = zone_name(zone)
    if name in UTC_NAMES:
        return "UTC"
    return _("%(city)s time") % {"city": _city(name, translation.get_language() or "en")}


def _zone(zone: dt.tzinfo | str | None) -> dt.tzinfo:
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        try:
            return zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC
    return zone


def _local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if timezone.is_naive(moment):
        return moment
    return moment.astimezone(zone)


@register.filter
def when(moment: dt.datetime | None, zone: dt.tzinfo | str | None = None) -> str:
    """ "Tue 8 Dec, 09:00 (Madrid time)": the moment in `zone` (default: the reader's)."""
    if not isinstance(moment, dt.datetime):
        return ""
    tz = _zone(zone)
    local = _local(moment, tz)
    if local.year == timezone.now().astimezone(tz).year:
        fmt = pgettext("date format", "D j M, H:i")
    else:
        fmt = pgettext("date format", "D j M Y, H:i")
    label = zone_label(tz if zone not in (None, "") else None)
    return f"{dateformat.format(local, fmt)} ({label})"


@register.filter
def days_ago(moment: dt.datetime | None) -> int | None:
    """How many calendar days back the moment was in the reader's zone: 0 today, 1 yesterday."""
    if not isinstance(moment, dt.datetime):
        return None
    return (timezone.localdate() - _local(moment, timezone.get_current_timezone()).date()).days


@register.filter
def day(moment: dt.datetime | dt.date | None) -> str:
    """ "Tue 8 Dec": the day of a moment, in the reader's zone."""
    if isinstance(moment, dt.datetime):
        moment = _local(moment, timezone.get_current_timezone()).date()
    if not isinstance(moment, dt.date):
        return ""
    if moment.year == timezone.localdate().year:
        return str(dateformat.format(moment, pgettext("date format", "D j M")))
    return str(dateformat.format(moment, pgettext("date format", "D j M Y")))


@register.filter
def ago(moment: dt.datetime | None) -> str:
    """ "3 hours ago"; "just now" under a minute, never "0 minutes ago"."""
    if not isinstance(moment, dt.datetime):
        return ""
    now = timezone.now()
    if now - moment < dt.timedelta(minutes=1):
        return _("just now")
    return _("%(since)s ago") % {"since": timesince(moment, now)}
