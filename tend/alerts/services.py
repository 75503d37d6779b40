"""Opening, acknowledging and resolving alerts; marking answers seen; replying.

Every function here takes rows already scoped to a practice (views use tenancy) and keeps
a record of what was done in `AlertEvent`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tend.alerts import escalation, signals
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.assessments.models import Administration
from tend.care.models import Intensity, Session
from tend.checkins.models import CheckIn, ClientReply, Reply, State
from tend.clients.models import Client
from tend.clients.zone import client_zone
from tend.journal import services as journal
from tend.journal.models import Entry
from tend.practices.models import Practice, Practitioner
from tend.safety.screening import screen

Action = AlertEvent.Action


def thresholds(practice: Practice) -> signals.Thresholds:
    return signals.Thresholds(
        activation=practice.activation_threshold,
        baseline_jump=practice.baseline_jump,
        basics_days=practice.basics_days,
    )


def _answer(checkin: CheckIn) -> signals.Answer:
    return signals.Answer(
        at=checkin.last_answered_at or timezone.now(),
        activation=checkin.activation,
        wants_contact=checkin.wants_contact,
        slept=checkin.slept,
        ate=checkin.ate,
        safety=checkin.safety_level,
    )


def screen_words(checkin: CheckIn, language: str) -> str:
    """The safety screen's level for everything the client wrote in this check-in."""
    return screen_text(
        "\n".join(text for text in (checkin.note, checkin.need) if text.strip()), language
    )


def screen_text(words: str, language: str) -> str:
    """The safety screen's level for a client's words: "", none, concern or urgent."""
    if not words.strip():
        return ""
    # People write in more than one language: the screen reads each sentence in its own.
    return screen(words, language).level


def raise_for_answer(checkin: CheckIn) -> list[Alert]:
    """Screen a fresh answer, then open (or add to) an alert for each signal it raises."""
    client = checkin.client
    level = screen_words(checkin, client.language)
    if level != checkin.safety_level:
        checkin.safety_level = level
        CheckIn.objects.filter(pk=checkin.pk).update(safety_level=level)
    at = checkin.last_answered_at or timezone.now()
    since = at - dt.timedelta(days=signals.BASELINE_DAYS)
    earlier = [
        signals.Answer(at=row.answered_at, activation=row.activation, slept=row.slept, ate=row.ate)
        for row in CheckIn.objects.filter(
            client=client, state=State.ANSWERED, answered_at__gte=since, answered_at__lt=at
        )
        .exclude(pk=checkin.pk)
        .only("answered_at", "activation", "slept", "ate")
        .order_by("-answered_at")[:200]
        if row.answered_at is not None
    ]
    found = signals.for_answer(
        _answer(checkin), earlier, thresholds(client.practice), client_zone(client)
    )
    return [open_alert(client, s.kind, s.level, s.detail, checkin=checkin, at=at) for s in found]


def raise_for_entry(entry: Entry) -> Alert | None:
    """A shared entry with words that may mean danger opens a safety alert. The alert keeps
    which entry, never its words: taken back, the entry is gone from every page."""
    if entry.safety_level not in ("urgent", "concern"):
        return None
    level = Level.URGENT if entry.safety_level == "urgent" else Level.NORMAL
    detail = {"screen": entry.safety_level, "entry": entry.pk}
    return open_alert(entry.client, Kind.SAFETY, level, detail, at=entry.shared_at)


def raise_for_questionnaire(administration: Administration) -> Alert | None:
    """A critical item answered above its lowest option (PHQ-9's ninth) is urgent, exactly
    as urgent words are. The alert names the questionnaire, never the answers."""
    if not administration.flags:
        return None
    detail = {"measure": administration.slug, "items": list(administration.flags)}
    return open_alert(
        administration.client, Kind.SAFETY, Level.URGENT, detail, at=administration.answered_at
    )


def open_alert(
    client: Client,
    kind: str,
    level: str,
    detail: Mapping[str, object],
    *,
    checkin: CheckIn | None = None,
    at: dt.datetime | None = None,
) -> Alert:
    """Open an alert, or, while one of this kind is open for the client, add to that one."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            alert = Alert(
                practice_id=client.practice_id,
                client=client,
                checkin=checkin,
                kind=kind,
                level=level,
                detail=dict(detail),
                opened_at=at,
            )
            alert.save()
            AlertEvent.objects.create(
                practice_id=client.practice_id, alert=alert, at=at, action=Action.OPENED
            )
            escalation.start(alert, at)
            alert.save()
            return alert
    except IntegrityError:
        pass  # one is open already: the same signal again
    with transaction.atomic():
        existing = (
            Alert.objects.select_for_update()
            .filter(client=client, kind=kind, state=AlertState.OPEN)
            .first()
        )
        if existing is None:  # acknowledged in the meantime: this is a new signal
            return open_alert(client, kind, level, detail, checkin=checkin, at=at)
        alert = existing
        AlertEvent.objects.create(
            practice_id=client.practice_id, alert=alert, at=at, action=Action.REPEATED
        )
        alert.detail = dict(detail)
        alert.checkin = checkin or alert.checkin
        if level == Level.URGENT and alert.level != Level.URGENT:
            alert.level = Level.URGENT
            escalation.start(alert, at)  # more serious now: tell someone at once
        alert.save()
        return alert


def silent_after_intense(now: dt.datetime | None = None) -> int:
    """Open an alert for each client gone quiet after an intense session. Returns how many.

    Quiet means: their latest session was intense, check-ins have gone out since, and for
    the practice's number of hours nothing has come back.
    """
    now = now or timezone.now()
    later_session = Session.objects.filter(
        client=OuterRef("client"), starts_at__gt=OuterRef("starts_at"), starts_at__lte=now
    )
    answered_since = CheckIn.objects.filter(
        client=OuterRef("client"), state=State.ANSWERED, answered_at__gte=OuterRef("starts_at")
    )
    asked = CheckIn.objects.filter(session=OuterRef("pk"), state__in=(State.SENT, State.MISSED))
    alerted = Alert.objects.filter(
        client=OuterRef("client"), kind=Kind.SILENCE, opened_at__gte=OuterRef("starts_at")
    )
    candidates = (
        Session.objects.filter(
            intensity=Intensity.INTENSE,
            starts_at__gte=now - dt.timedelta(days=14),
            starts_at__lte=now - dt.timedelta(hours=6),
        )
        .filter(Exists(asked))
        .exclude(Exists(later_session))
        .exclude(Exists(answered_since))
        .exclude(Exists(alerted))
        .select_related("client", "practice")
        .only("starts_at", "client", "practice__silence_hours")
    )
    opened = 0
    for session in candidates:
        hours = int((now - session.starts_at).total_seconds() // 3600)
        if hours >= session.practice.silence_hours:
            detail = {"hours": hours, "session": session.pk}
            open_alert(session.client, Kind.SILENCE, Level.NORMAL, detail, at=now)
            opened += 1
    return opened


def mark_seen(checkin: CheckIn, practitioner: Practitioner, at: dt.datetime | None = None) -> None:
    """The client will see who saw their answer and when; the first look is the one kept."""
    if checkin.state != State.ANSWERED or checkin.seen_at is not None:
        return
    at = at or timezone.now()
    updated = CheckIn.objects.filter(pk=checkin.pk, seen_at__isnull=True).update(
        seen_by=practitioner, seen_at=at
    )
    if updated:
        checkin.seen_by, checkin.seen_at = practitioner, at


def acknowledge(
    alerts: Iterable[Alert],
    practitioner: Practitioner,
    reply_text: str = "",
    client: Client | None = None,
) -> list[Alert]:
    """One click: these alerts are in hand. Stops their escalation. Optionally reply.

    A reply reaches the client whatever the alerts' kind, and even when someone else
    acknowledged them first: it is about the first check-in among them, if there is one.
    """
    now = timezone.now()
    done = []
    with transaction.atomic():
        for alert in alerts:
            updated = Alert.objects.filter(pk=alert.pk, state=AlertState.OPEN).update(
                state=AlertState.ACKNOWLEDGED,
                acknowledged_by=practitioner,
                acknowledged_at=now,
                escalate_at=None,
            )
            if not updated:
                continue  # someone else got there first; nothing to add
            AlertEvent.objects.create(
                practice_id=alert.practice_id,
                alert=alert,
                at=now,
                action=Action.ACKNOWLEDGED,
                practitioner=practitioner,
            )
            alert.state, alert.acknowledged_by, alert.acknowledged_at = (
                AlertState.ACKNOWLEDGED,
                practitioner,
                now,
            )
            done.append(alert)
            if alert.checkin is not None:
                mark_seen(alert.checkin, practitioner, now)
        client = client or next((a.client for a in done), None)
        if reply_text.strip() and client is not None:
            about = next((a.checkin for a in done if a.checkin is not None), None)
            reply(client, practitioner, reply_text, checkin=about, alerts=done)
    return done


def resolve(alert: Alert, practitioner: Practitioner, note: str = "") -> bool:
    """Close an acknowledged alert with a short note of what was done."""
    now = timezone.now()
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, state=AlertState.ACKNOWLEDGED).update(
            state=AlertState.RESOLVED, resolved_by=practitioner, resolved_at=now
        )
        if not updated:
            return False
        alert.resolution = note.strip()
        alert.save(update_fields=["resolution"])
        AlertEvent.objects.create(
            practice_id=alert.practice_id,
            alert=alert,
            at=now,
            action=Action.RESOLVED,
            practitioner=practitioner,
        )
    return True


def reply(
    client: Client,
    practitioner: Practitioner,
    body: str,
    *,
    checkin: CheckIn | None = None,
    entry: Entry | None = None,
    alerts: Iterable[Alert] = (),
) -> Reply:
    """Words back to the client, about a check-in, a shared entry, or neither: shown to them
    in Tend and emailed."""
    now = timezone.now()
    with transaction.atomic():
        message = Reply.objects.create(
            practice_id=client.practice_id,
            client=client,
            checkin=checkin,
            entry=entry,
            practitioner=practitioner,
            body=body.strip(),
            created_at=now,
        )
        open_alerts = list(alerts)
        if entry is not None:
            journal.mark_seen(entry, practitioner, now)
        if checkin is not None:
            mark_seen(checkin, practitioner, now)
            open_alerts = open_alerts or list(checkin.alerts.exclude(state=AlertState.RESOLVED))
        AlertEvent.objects.bulk_create(
            AlertEvent(
                practice_id=alert.practice_id,
                alert=alert,
                at=now,
                action=Action.REPLIED,
                practitioner=practitioner,
            )
            for alert in open_alerts
        )
        _email_reply(message)  # to the outbox, in this same transaction
    return message


def client_wrote_back(reply_to: Reply, body: str) -> ClientReply:
    """Keep the client's answer to a reply, screen it, and open an alert so a person reads it:
    for words that may mean danger, a safety alert; otherwise, one saying they wrote back."""
    client = reply_to.client
    now = timezone.now()
    with transaction.atomic():
        answer = ClientReply.objects.create(
            practice_id=reply_to.practice_id,
            client=client,
            reply=reply_to,
            body=body.strip(),
            safety_level=screen_text(body, client.language),
            created_at=now,
        )
        detail: dict[str, object] = {"wrote_back": answer.pk}
        if answer.safety_level in ("urgent", "concern"):
            level = Level.URGENT if answer.safety_level == "urgent" else Level.NORMAL
            kind = Kind.SAFETY
            detail["screen"] = answer.safety_level
        else:
            kind, level = Kind.CONTACT, Level.NORMAL
        open_alert(client, kind, level, detail, checkin=reply_to.checkin, at=now)
    return answer


def _email_reply(message: Reply) -> None:
    from tend.alerts import reply_email

    reply_email.send(message)
