"""Who covers for whom, and who holds a client's alerts right now.

A practice sets each practitioner's usual cover (`covered_by`); a practitioner who is away
names who covers while they are (`away_cover`, until `away_until`). Covers are followed
from one colleague to the next, nearest first, past anyone switched off or away themselves,
and never round in a circle. When the chain runs out, the practice's admins step in, so a
practice with anyone active always has someone.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

from tend.clients.models import Client
from tend.practices.models import Practitioner

Admin = Practitioner.Role.ADMIN


def is_away(practitioner: Practitioner, at: dt.datetime) -> bool:
    return practitioner.away_until is not None and practitioner.away_until > at


def available(practitioner: Practitioner, at: dt.datetime) -> bool:
    return practitioner.is_active and not is_away(practitioner, at)


def colleagues(practice_id: int) -> dict[int, Practitioner]:
    """Everyone in the practice (switched off too, so chains can pass through them)."""
    return {p.pk: p for p in Practitioner.objects.filter(practice_id=practice_id).order_by("pk")}


def _named_covers(practitioner: Practitioner, at: dt.datetime) -> list[int]:
    """Whom this person names, first choice first: their cover while away, then their usual."""
    named = []
    if is_away(practitioner, at) and practitioner.away_cover_id is not None:
        named.append(practitioner.away_cover_id)
    if practitioner.covered_by_id is not None:
        named.append(practitioner.covered_by_id)
    return named


def covering(
    practitioner: Practitioner,
    at: dt.datetime,
    people: dict[int, Practitioner] | None = None,
) -> Practitioner | None:
    """The nearest colleague who can cover for `practitioner` at `at`, or None."""
    people = people if people is not None else colleagues(practitioner.practice_id)
    seen = {practitioner.pk}
    queue = deque([practitioner])
    while queue:
        for pk in _named_covers(queue.popleft(), at):
            colleague = people.get(pk)  # someone in another practice is never followed
            if colleague is None or pk in seen:
                continue
            seen.add(pk)
            if available(colleague, at):
                return colleague
            queue.append(colleague)
    return None


def admins(practice_id: int) -> list[Practitioner]:
    """The practice's active admins."""
    return list(
        Practitioner.objects.filter(practice_id=practice_id, role=Admin, is_active=True).order_by(
            "pk"
        )
    )


def admins_to_tell(people: dict[int, Practitioner], at: dt.datetime) -> list[Practitioner]:
    """The active admins among `people` who are here; all of them if every one is away."""
    active = [p for p in people.values() if p.is_active and p.role == Admin]
    here = [p for p in active if not is_away(p, at)]
    return here or active


def last_resort(people: dict[int, Practitioner], at: dt.datetime) -> Practitioner | None:
    """An admin who is here, then any active admin, then anyone here, then anyone active."""
    active = [p for p in people.values() if p.is_active]
    for group in (
        [p for p in active if p.role == Admin and not is_away(p, at)],
        [p for p in active if p.role == Admin],
        [p for p in active if not is_away(p, at)],
        active,
    ):
        if group:
            return group[0]
    return None


def responsible_now(
    client: Client, at: dt.datetime, people: dict[int, Practitioner] | None = None
) -> Practitioner | None:
    """Who holds this client's alerts at `at`: their practitioner, a cover, or an admin.

    None only when the practice has nobody active at all.
    """
    people = people if people is not None else colleagues(client.practice_id)
    own = people.get(client.practitioner_id)
    if own is not None:
        if available(own, at):
            return own
        cover = covering(own, at, people)
        if cover is not None:
            return cover
    return last_resort(people, at)
