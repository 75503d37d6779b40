"""Questionnaires on a schedule: once, the day after every session, or on a calendar rhythm,
in the client's zone and outside their quiet hours; sent by the worker through the outbox,
with one reminder.

One row waits per assignment: when it is sent, the next is written. Two workers never send
one twice: a row is claimed by setting `sent_at` only where it is still empty, in the same
transaction as its email (whose outbox key is unique besides).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tend.assessments import services
from tend.assessments.models import Administration, Assignment
from tend.assessments.rhythm import Rhythm, next_due
from tend.care.models import Session
from tend.clients.models import Client
from tend.clients.zone import client_zone
from tend.lib.schedule import QuietHours, out_of_quiet_hours, wall_clock
from tend.practices.models import Practitioner

BATCH = 100
AFTER_SESSION = dt.timedelta(days=1)


def _quiet(client: Client) -> QuietHours:
    return QuietHours(client.quiet_start, client.quiet_end)


def rhythm_of(assignment: Assignment) -> Rhythm:
    return Rhythm(
        every=assignment.every,
        unit=assignment.unit,
        at=assignment.at or dt.time(10, 0),
        first=assignment.first or timezone.localdate(),
        last=assignment.last,
        weekdays=tuple(assignment.weekdays),
    )


def assign(
    client: Client,
    slug: str,
    practitioner: Practitioner,
    when: str,
    rhythm: Rhythm | None = None,
) -> Assignment:
    """Ask for `slug` once now, after every session, or on `rhythm`."""
    with transaction.atomic():
        assignment = Assignment.objects.create(
            practice_id=client.practice_id,
            client=client,
            slug=slug,
            when=when,
            created_by=practitioner,
            **(
                {
                    "every": rhythm.every,
                    "unit": rhythm.unit,
                    "at": rhythm.at,
                    "first": rhythm.first,
                    "last": rhythm.last,
                    "weekdays": list(rhythm.weekdays),
                }
                if rhythm
                else {}
            ),
        )
        if when == Assignment.When.ONCE:
            given = services.send(client, slug, practitioner)
            Administration.objects.filter(pk=given.pk).update(assignment=assignment)
            Assignment.objects.filter(pk=assignment.pk).update(stopped_at=timezone.now())
        elif when == Assignment.When.RHYTHM:
            schedule_next(assignment, timezone.now())
    return assignment


def _waiting(assignment: Assignment) -> QuerySet[Administration]:
    return Administration.objects.filter(
        assignment=assignment, sent_at=None, cancelled_at=None, answered_at=None
    )


def schedule_next(assignment: Assignment, after: dt.datetime) -> Administration | None:
    """The rhythm's next time after `after`, unless one is waiting already or it has ended."""
    if not assignment.is_active or _waiting(assignment).exists():
        return None
    client = assignment.client
    due = next_due(rhythm_of(assignment), client_zone(client), _quiet(client), after)
    if due is None:
        Assignment.objects.filter(pk=assignment.pk).update(stopped_at=timezone.now())
        return None
    return _waits(assignment, due)


def _waits(assignment: Assignment, due: dt.datetime) -> Administration:
    return Administration.objects.create(
        practice_id=assignment.practice_id,
        client_id=assignment.client_id,
        slug=assignment.slug,
        version=services.definition(assignment.practice_id, assignment.slug).version,
        assignment=assignment,
        sent_by_id=assignment.created_by_id,
        due_at=due,
    )


def after_session(session: Session) -> int:
    """A session logged: each questionnaire asked for after every session is due the day
    after, at the session's time on the client's clock (outside their quiet hours)."""
    client = session.client
    zone, quiet = client_zone(client), _quiet(client)
    local = session.starts_at.astimezone(zone)
    due = out_of_quiet_hours(
        wall_clock(local.date() + AFTER_SESSION, local.time(), zone), zone, quiet
    )
    made = 0
    for assignment in Assignment.objects.filter(
        client=client, when=Assignment.When.AFTER_SESSION, stopped_at=None
    ):
        _waiting(assignment).update(cancelled_at=timezone.now())  # the newer session's wins
        _waits(assignment, due)
        made += 1
    return made


def stop(assignment: Assignment) -> None:
    now = timezone.now()
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk, stopped_at=None).update(stopped_at=now)
        _waiting(assignment).update(cancelled_at=now)


def send_due(now: dt.datetime | None = None) -> int:
    """Email every questionnaire whose time has come; write the next of each rhythm."""
    now = now or timezone.now()
    rows = list(
        Administration.objects.filter(
            sent_at=None, cancelled_at=None, answered_at=None, due_at__lte=now
        )
        .select_related("client__practitioner", "assignment")
        .order_by("due_at")[:BATCH]
    )
    sent = 0
    for row in rows:
        client = row.client
        if client.emails_stopped_at is not None:
            Administration.objects.filter(pk=row.pk).update(cancelled_at=now)
            continue
        if client.paused_until is not None and client.paused_until > now:
            Administration.objects.filter(pk=row.pk).update(due_at=client.paused_until)
            continue
        with transaction.atomic():
            claimed = Administration.objects.filter(pk=row.pk, sent_at=None, cancelled_at=None)
            if not claimed.update(sent_at=now, remind_at=now + services.remind_after()):
                continue  # another worker has it
            services.email(row)
            if row.assignment is not None and row.assignment.when == Assignment.When.RHYTHM:
                schedule_next(row.assignment, max(now, row.due_at or now))
        sent += 1
    return sent


def send_reminders(now: dt.datetime | None = None) -> int:
    """The one gentle reminder, for a questionnaire sent and not answered."""
    now = now or timezone.now()
    rows = list(
        Administration.objects.filter(
            reminded_at=None, cancelled_at=None, answered_at=None, remind_at__lte=now
        )
        .exclude(sent_at=None)
        .select_related("client__practitioner")[:BATCH]
    )
    sent = 0
    for row in rows:
        if row.client.emails_stopped_at is not None:
            continue
        with transaction.atomic():
            if not Administration.objects.filter(pk=row.pk, reminded_at=None).update(
                reminded_at=now
            ):
                continue
            services.email(row, reminder=True)
        sent += 1
    return sent
