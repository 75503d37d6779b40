"""Turning a session's plan into scheduled check-ins, and keeping them right.

Care and clients don't call this (they are below check-ins): they send the signals that
tend/checkins/receivers.py answers with these functions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tend.care.models import Session
from tend.care.plans import preview
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.clients.zone import client_zone
from tend.lib.schedule import QuietHours, out_of_quiet_hours

# A check-in whose time passed while the session was being written up still goes out now.
GRACE = dt.timedelta(hours=6)
# No gentle reminder when the next check-in follows within this long.
CLEARANCE = dt.timedelta(hours=6)


def window(client: Client, due: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    """When a gentle reminder may go (never in quiet hours), and when the check-in is missed."""
    due = due.astimezone(dt.UTC)  # real hours, even when the clocks change in between
    quiet = QuietHours(client.quiet_start, client.quiet_end)
    remind = out_of_quiet_hours(
        due + dt.timedelta(hours=settings.CHECKIN_REMIND_AFTER_HOURS), client_zone(client), quiet
    )
    closes = due + dt.timedelta(hours=settings.CHECKIN_WINDOW_HOURS)
    return (remind if remind < closes else None), closes


def clear_of_next(
    remind: dt.datetime | None, dues: list[dt.datetime], sequence: int
) -> dt.datetime | None:
    """No reminder when the plan's next check-in is close anyway: one email, not two."""
    if remind is not None and sequence < len(dues) and dues[sequence] - remind < CLEARANCE:
        return None
    return remind


@transaction.atomic
def schedule(session: Session) -> list[CheckIn]:
    """Create this session's check-ins; cancel what remained of earlier plans."""
    client = session.client
    now = timezone.now()
    CheckIn.objects.filter(session=session, state=State.SCHEDULED).delete()
    supersede_before(session)
    done = set(CheckIn.objects.filter(session=session).values_list("sequence", flat=True))
    # A session logged late, before one already logged: the later session's plan has taken over.
    later = (
        Session.objects.filter(client_id=session.client_id, starts_at__gt=session.starts_at)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    rows = []
    dues = preview(client, session.starts_at, session.plan_hours)
    for sequence, due in enumerate(dues, 1):
        if due < now - GRACE or sequence in done or (later is not None and due >= later):
            continue
        remind, closes = window(client, max(due, now))
        remind = clear_of_next(remind, dues, sequence)
        rows.append(
            CheckIn(
                practice_id=session.practice_id,
                client=client,
                session=session,
                state=State.SCHEDULED,
                sequence=sequence,
                due_at=max(due, now),
                remind_at=remind,
                closes_at=closes,
            )
        )
    return CheckIn.objects.bulk_create(rows)


def supersede_before(session: Session) -> int:
    """A new session replaces the rest of the previous plans from its start on.

    Only plans of sessions that started before it: logging or editing an older session
    never cancels the follow-up of a newer one.
    """
    return (
        CheckIn.objects.filter(
            client_id=session.client_id,
            state=State.SCHEDULED,
            due_at__gte=session.starts_at,
            session__starts_at__lte=session.starts_at,
        )
        .exclude(session=session)
        .update(state=State.CANCELLED, cancel_reason="superseded", lease_owner="")
    )


def restore_superseded(session: Session) -> int:
    """Undo `supersede_before` for a session about to be deleted: the earlier plans' check-ins
    it cancelled go out again, unless another session still replaces them, or their time is
    long past (as `schedule` would skip them). A session logged by mistake, then deleted,
    must not leave the client with silence."""
    now = timezone.now()
    others = Session.objects.filter(client_id=session.client_id).exclude(pk=session.pk)
    restored = 0
    times: dict[int, list[dt.datetime]] = {}  # each earlier session's planned times
    cancelled = CheckIn.objects.filter(
        client_id=session.client_id,
        state=State.CANCELLED,
        cancel_reason="superseded",
        due_at__gte=max(session.starts_at, now - GRACE),
        session__starts_at__lte=session.starts_at,
    ).exclude(session=session)
    for checkin in cancelled.select_related("session"):
        own = checkin.session
        if own is None or checkin.due_at is None:
            continue
        replaced = others.filter(starts_at__gt=own.starts_at, starts_at__lte=checkin.due_at)
        if replaced.exclude(pk=own.pk).exists():
            continue
        due = max(checkin.due_at, now)
        remind, closes = window(session.client, due)
        if own.pk not in times:
            times[own.pk] = preview(session.client, own.starts_at, own.plan_hours)
        remind = clear_of_next(remind, times[own.pk], checkin.sequence)
        restored += CheckIn.objects.filter(pk=checkin.pk, state=State.CANCELLED).update(
            state=State.SCHEDULED, cancel_reason="", due_at=due, remind_at=remind, closes_at=closes
        )
    return restored


def refit(client: Client) -> int:
    """The client's quiet hours or zone changed: move what hasn't gone out to fit them."""
    now = timezone.now()
    unleased = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    moved = 0
    times: dict[int, list[dt.datetime]] = {}
    waiting = CheckIn.objects.filter(client=client, state=State.SCHEDULED, session__isnull=False)
    for checkin in waiting.select_related("session"):
        session = checkin.session
        if session is None:
            continue
        if session.pk not in times:
            times[session.pk] = preview(client, session.starts_at, session.plan_hours)
        if not 1 <= checkin.sequence <= len(times[session.pk]):
            continue
        due = max(times[session.pk][checkin.sequence - 1], now)
        remind, closes = window(client, due)
        remind = clear_of_next(remind, times[session.pk], checkin.sequence)
        moved += CheckIn.objects.filter(unleased, pk=checkin.pk, state=State.SCHEDULED).update(
            due_at=due, remind_at=remind, closes_at=closes
        )
    # A gentle reminder still to come keeps out of the new quiet hours too.
    for checkin in CheckIn.objects.filter(client=client, state=State.SENT, reminded_at=None):
        if checkin.due_at is not None and checkin.remind_at is not None:
            remind, _ = window(client, checkin.due_at)
            CheckIn.objects.filter(pk=checkin.pk, reminded_at=None).update(remind_at=remind)
    return moved
