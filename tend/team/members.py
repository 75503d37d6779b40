"""Changing who is on the team: roles, switching someone off (and on), moving a client.

Every hand-over is one transaction that also writes a `Move` for each thing that moved, so
the practice can always say who moved what, when, from whom to whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tend.alerts.models import Alert, AlertEvent, AlertState
from tend.clients.models import Client
from tend.practices.models import Move, Practitioner

Admin = Practitioner.Role.ADMIN


class Refused(Exception):
    """A change that would leave the team worse off; the message says why, plainly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Handed:
    clients: int = 0
    alerts: int = 0
    covers: int = 0


def _lock(person: Practitioner) -> Practitioner:
    return Practitioner.objects.select_for_update().get(pk=person.pk)


def _another_admin(person: Practitioner) -> bool:
    """Is there an active admin in the practice besides `person`? (Rows locked, so two
    admins demoting each other at once can't both succeed.)"""
    others = Practitioner.objects.select_for_update().filter(
        practice_id=person.practice_id, role=Admin, is_active=True
    )
    return any(pk != person.pk for pk in others.values_list("pk", flat=True))


def change_role(person: Practitioner, role: str, *, by: Practitioner) -> bool:
    """Give `person` the role. False if they had it already. Refused for oneself, and for
    the practice's last active admin."""
    if person.pk == by.pk:
        raise Refused(_("Nobody changes their own role. Please ask another admin."))
    with transaction.atomic():
        person = _lock(person)
        if person.role == role:
            return False
        if person.role == Admin and person.is_active and not _another_admin(person):
            raise Refused(
                _(
                    "%(name)s is the practice's only admin. Make someone else an admin "
                    "first, then change this."
                )
                % {"name": person.name}
            )
        Practitioner.objects.filter(pk=person.pk).update(role=role)
    return True


def _record(
    moves: list[Move], by: Practitioner, why: str, what: str, ids: list[int], **whom: object
) -> None:
    at = timezone.now()
    for record_id in ids:
        moves.append(
            Move(
                practice_id=by.practice_id,
                at=at,
                by=by,
                why=why,
                what=what,
                record_id=record_id,
                **whom,
            )
        )


def _hand_alerts(alert_ids: list[int], to: Practitioner) -> None:
    """The open alerts go to `to`, each with a step on its record and a Move."""
    if not alert_ids:
        return
    Alert.objects.filter(pk__in=alert_ids).update(responsible=to)
    AlertEvent.objects.bulk_create(
        AlertEvent(
            practice_id=to.practice_id,
            alert_id=pk,
            action=AlertEvent.Action.NOTIFIED,
            practitioner=to,
            channel=AlertEvent.Channel.APP,
        )
        for pk in alert_ids
    )


def deactivate(person: Practitioner, *, to: Practitioner, by: Practitioner) -> Handed:
    """Switch `person` off, in one transaction: they can't sign in and every session they
    have ends; their clients and the open alerts they hold go to `to`; whoever they covered
    for is covered by `to` instead (and a cover while away that named them is cleared).
    Every move is recorded."""
    if person.pk == by.pk:
        raise Refused(_("You can't switch yourself off. Please ask another admin."))
    if to.pk == person.pk or to.practice_id != person.practice_id:
        raise Refused(_("Please choose a colleague to take over."))
    with transaction.atomic():
        person, to = _lock(person), _lock(to)
        if not person.is_active:
            raise Refused(_("%(name)s is switched off already.") % {"name": person.name})
        if not to.is_active:
            raise Refused(
                _("%(name)s is switched off. Please choose someone active to take over.")
                % {"name": to.name}
            )
        if person.role == Admin and not _another_admin(person):
            raise Refused(
                _(
                    "%(name)s is the practice's only admin. Make someone else an admin "
                    "first, then switch them off."
                )
                % {"name": person.name}
            )
        now = timezone.now()
        Practitioner.objects.filter(pk=person.pk).update(is_active=False, sessions_ended_at=now)
        moves: list[Move] = []
        why = Move.Why.DEACTIVATED
        whom = {"from_practitioner": person, "to_practitioner": to}

        clients = list(
            Client.objects.filter(practitioner=person).order_by("pk").values_list("pk", flat=True)
        )
        Client.objects.filter(pk__in=clients).update(practitioner=to)
        _record(moves, by, why, Move.What.CLIENT, clients, **whom)

        alerts = list(
            Alert.objects.filter(responsible=person, state=AlertState.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _hand_alerts(alerts, to)
        _record(moves, by, why, Move.What.ALERT, alerts, **whom)

        covered = list(
            Practitioner.objects.filter(covered_by=person)
            .exclude(pk=person.pk)
            .values_list("pk", flat=True)
        )
        for pk in covered:  # `to` never covers for themselves: their cover is cleared
            cover = None if pk == to.pk else to
            Practitioner.objects.filter(pk=pk).update(covered_by=cover)
            _record(
                moves,
                by,
                why,
                Move.What.COVER,
                [pk],
                from_practitioner=person,
                to_practitioner=cover,
            )
        away = list(
            Practitioner.objects.filter(away_cover=person)
            .exclude(pk=person.pk)
            .values_list("pk", flat=True)
        )
        Practitioner.objects.filter(pk__in=away).update(away_cover=None)
        _record(
            moves,
            by,
            why,
            Move.What.AWAY_COVER,
            away,
            from_practitioner=person,
            to_practitioner=None,
        )
        Move.objects.bulk_create(moves)
    return Handed(clients=len(clients), alerts=len(alerts), covers=len(covered) + len(away))


def reactivate(person: Practitioner) -> bool:
    """Switch them on again: they sign in afresh. Nothing handed over comes back by itself."""
    return bool(Practitioner.objects.filter(pk=person.pk, is_active=False).update(is_active=True))


def move_client(client: Client, *, to: Practitioner, by: Practitioner) -> bool:
    """`client` goes to `to`, with the open alerts about them that their practitioner held.
    False if they were `to`'s already."""
    if to.practice_id != client.practice_id or not to.is_active:
        raise Refused(_("Please choose an active colleague."))
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        before = client.practitioner_id
        if before == to.pk:
            return False
        Client.objects.filter(pk=client.pk).update(practitioner=to)
        moves: list[Move] = []
        why = Move.Why.MOVED
        whom = {"from_practitioner_id": before, "to_practitioner": to}
        _record(moves, by, why, Move.What.CLIENT, [client.pk], **whom)
        alerts = list(
            Alert.objects.filter(client=client, responsible_id=before, state=AlertState.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _hand_alerts(alerts, to)
        _record(moves, by, why, Move.What.ALERT, alerts, **whom)
        Move.objects.bulk_create(moves)
    return True
