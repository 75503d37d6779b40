"""Aftercare plans: Tend's defaults, a practice's own, and one session's choice."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tend.care.models import AftercarePlan, Intensity, Session
from tend.clients.models import Client
from tend.clients.zone import client_zone
from tend.integration import library
from tend.integration.models import Exercise
from tend.lib.schedule import QuietHours, due_times

# Denser early after deeper work: hours after the session.
DEFAULT_HOURS: dict[str, list[int]] = {
    Intensity.GENTLE: [24, 168],
    Intensity.MODERATE: [6, 24, 72, 168],
    Intensity.INTENSE: [3, 24, 48, 96, 168],
}

DEFAULT_GUIDANCE = {
    Intensity.GENTLE: gettext_lazy(
        "Today's session was a gentle one. Over the next days you may notice small shifts: "
        "a different reaction, a lighter moment, some tiredness. All of it is welcome. "
        "Drink some water, eat something kind, and leave a little quiet time for yourself."
    ),
    Intensity.MODERATE: gettext_lazy(
        "We moved some things today. In the next day or two you might feel tired, tender, "
        "or more emotional than usual; that is the work settling, not something going wrong. "
        "Rest when you can, keep your body fed and watered, and notice small changes in how "
        "you react to things. Tend will check in with you a few times this week."
    ),
    Intensity.INTENSE: gettext_lazy(
        "Today's session went deep. In the next hours and days it is normal to feel tired, "
        "raw or stirred up, and a strong release (tears, anger, shaking) can come a day or "
        "two later. That is not a setback: it is your system finishing what we started. "
        "Keep things simple: water, warm food, rest, and your feet on the floor when it feels "
        "like a lot. Tend will check in with you often this week, and you can always ask "
        "to be contacted."
    ),
}

# When a practice chose no practices for a plan: the kinds offered first, by intensity.
DEFAULT_KINDS: dict[str, tuple[str, ...]] = {
    Intensity.GENTLE: ("ripples", "reflect", "body"),
    Intensity.MODERATE: ("body", "rest", "ripples", "reflect"),
    Intensity.INTENSE: ("pause", "rest", "basics", "body"),
}
OFFERED = 2  # practices offered with a session: one or two, never a list to get through

MAX_CHECKINS = 12
MAX_HOURS = 24 * 60


class PlanError(ValueError):
    """Check-in times a person wrote that we can't use; the message says why."""


@dataclass(frozen=True)
class Plan:
    hours: list[int]
    guidance: str  # empty: the default for the intensity, in the reader's language


def practice_plan(practice_id: int, intensity: str, modality: str) -> AftercarePlan | None:
    plans = AftercarePlan.objects.filter(practice_id=practice_id, intensity=intensity)
    by_modality = {p.modality: p for p in plans.filter(modality__in=[modality, ""])}
    return by_modality.get(modality) or by_modality.get("")


def usual_hours(practice_id: int, intensity: str, modality: str) -> list[int]:
    """What a session of this kind gets when nobody writes a plan for it."""
    own = practice_plan(practice_id, intensity, modality)
    return list(own.hours) if own is not None else list(DEFAULT_HOURS[intensity])


def plan_for(practice_id: int, intensity: str, modality: str, language: str) -> Plan:
    own = practice_plan(practice_id, intensity, modality)
    if own is None:
        return Plan(list(DEFAULT_HOURS[intensity]), "")
    return Plan(list(own.hours), own.guidance_in(language))


def guidance_for(session: Session, language: str) -> str:
    """What the client reads about the days after this session, in their language."""
    if session.guidance:  # the session's own words: no plan to read
        return str(session.guidance)
    return _guidance(session, language, practice_plan(*_kind(session)))


def _guidance(session: Session, language: str, own: AftercarePlan | None) -> str:
    if session.guidance:
        return str(session.guidance)
    if own is not None and own.guidance_in(language):
        return own.guidance_in(language)
    with translation.override(language):
        return str(DEFAULT_GUIDANCE[Intensity(session.intensity)])


def exercises_for(practice_id: int, intensity: str, modality: str) -> list[Exercise]:
    """The one or two practices that go with a session of this kind: those the practice
    chose for its plan, else the library's that suit it, each of a different kind."""
    own = practice_plan(practice_id, intensity, modality)
    return _exercises(practice_id, intensity, modality, own)


def _exercises(
    practice_id: int, intensity: str, modality: str, own: AftercarePlan | None
) -> list[Exercise]:
    if own is not None:
        chosen = list(own.exercises.filter(retired=False).order_by("minutes", "key"))
        if chosen:
            return chosen[:OFFERED]
    fitting = library.fitting(practice_id, intensity, modality)
    offered: list[Exercise] = []
    for kind in DEFAULT_KINDS[intensity]:
        offered += [e for e in fitting if e.kind == kind][:1]
    return offered[:OFFERED]


def session_exercises(session: Session) -> list[Exercise]:
    return exercises_for(*_kind(session))


def aftercare(session: Session, language: str) -> tuple[str, list[Exercise]]:
    """A session's guidance and practices for the client, reading the plan once."""
    own = practice_plan(*_kind(session))
    return _guidance(session, language, own), _exercises(*_kind(session), own)


def _kind(session: Session) -> tuple[int, str, str]:
    return session.practice_id, session.intensity, session.modality


_TOKEN = re.compile(r"^\+?\s*(\d{1,4})\s*([hd])$")


def parse_hours(text: str) -> list[int]:
    """'3h, 1d, 2d' -> [3, 24, 48]. Accepts h/d and the Spanish 'h'/'d' alike."""
    hours: list[int] = []
    for raw in re.split(r"[,;]|\s+(?=\+?\d)", text.strip().lower()):
        raw = raw.strip().rstrip(",; ")
        if not raw:
            continue
        match = _TOKEN.match(raw)
        if match is None:
            raise PlanError(
                _("“%(part)s” isn't a time we understand. Write hours or days, like 3h, 1d, 7d.")
                % {"part": raw}
            )
        number, unit = int(match.group(1)), match.group(2)
        hours.append(number * 24 if unit == "d" else number)
    if not hours:
        raise PlanError(_("Add at least one check-in, like 1d."))
    if len(hours) > MAX_CHECKINS:
        raise PlanError(_("A plan can have at most %(n)s check-ins.") % {"n": MAX_CHECKINS})
    if min(hours) < 1 or max(hours) > MAX_HOURS:
        raise PlanError(_("Check-ins can be from 1 hour to 60 days after the session."))
    if len(set(hours)) != len(hours):
        raise PlanError(_("Two check-ins are at the same time; please remove one."))
    return sorted(hours)


def format_hours(hours: list[int]) -> str:
    return ", ".join(f"{h // 24}d" if h % 24 == 0 else f"{h}h" for h in sorted(hours))


def preview(client: Client, starts_at: dt.datetime, hours: list[int]) -> list[dt.datetime]:
    """The exact due times, in the client's zone, that a plan would give."""
    zone = client_zone(client)
    quiet = QuietHours(client.quiet_start, client.quiet_end)
    gap = dt.timedelta(minutes=settings.CHECKIN_MIN_GAP_MINUTES)
    offsets = [dt.timedelta(hours=h) for h in hours]
    return [t.astimezone(zone) for t in due_times(starts_at, offsets, zone, quiet, gap)]


def all_past(times: list[dt.datetime], now: dt.datetime) -> bool:
    """Every check-in of a plan already behind us: none will be sent."""
    return bool(times) and all(t <= now for t in times)
