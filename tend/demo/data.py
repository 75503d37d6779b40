"""Demo data: one practice, three practitioners (Ana, the admin, and two colleagues who
cover for each other), 12 clients and about three months of care."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tend.alerts import services as alerts
from tend.alerts.models import Alert, AlertState
from tend.assessments import services as questionnaires
from tend.assessments.models import Administration
from tend.care import plans
from tend.care.models import Intensity, Modality, Session
from tend.checkins import followup
from tend.checkins.models import CheckIn, Emotion, QuickAnswer, Sensation, State
from tend.clients import links
from tend.clients.models import Client
from tend.integration import library
from tend.integration.models import ExerciseDone
from tend.journal import services as journal
from tend.journal.models import Entry
from tend.practices.models import Practice, Practitioner

PRACTICE_NAME = "Willow Street Practice (demo)"
EMAIL = "demo@tend.local"
PASSWORD = "tend-demo-2026"  # noqa: S105 (printed for the demo on purpose)


@dataclass(frozen=True)
class DemoColleague:
    key: str
    name: str
    email: str
    language: str
    zone: str


# Ana's colleagues, members of the practice, with the same password. Each is covered by
# the next: Luis by Ana, Noor by Luis, Ana by Noor; so an alert nobody acknowledges in time
# is passed on to a colleague before it reaches the admin.
COLLEAGUES = (
    DemoColleague("luis", "Luis Ortega", "luis@tend.local", "es", "Europe/Madrid"),
    DemoColleague("noor", "Noor Haddad", "noor@tend.local", "en", "Europe/London"),
)
COVERED_BY = {"luis": "ana", "noor": "luis", "ana": "noor"}
# Whose client each is (Ana's unless named here).
HELD_BY = {
    "Lucía Fernández": "luis",
    "Sofía Ramírez": "luis",
    "Valentina Castro": "luis",
    "Mateo Díaz": "luis",
    "James Whitfield": "noor",
    "Priya Nair": "noor",
    "Hannah Berg": "noor",
}


@dataclass(frozen=True)
class DemoClient:
    name: str
    language: str
    zone: str
    state: str  # steady, stirred, silent, unmet, new, planned, uninvited


CLIENTS = (
    DemoClient("Maya Thompson", "en", "America/New_York", "steady"),
    DemoClient("Lucía Fernández", "es", "Europe/Madrid", "stirred"),
    DemoClient("Daniel Okafor", "en", "Europe/London", "steady"),
    DemoClient("Sofía Ramírez", "es", "America/Mexico_City", "silent"),
    DemoClient("James Whitfield", "en", "Australia/Sydney", "unmet"),
    DemoClient("Valentina Castro", "es", "America/Bogota", "steady"),
    DemoClient("Priya Nair", "en", "Asia/Kolkata", "new"),
    DemoClient("Mateo Díaz", "es", "America/Argentina/Buenos_Aires", "steady"),
    DemoClient("Hannah Berg", "en", "Europe/Dublin", "planned"),
    DemoClient("Camila Rojas", "es", "America/Santiago", "steady"),
    DemoClient("Tom Reyes", "en", "America/Los_Angeles", "stirred"),
    DemoClient("Elena Morales", "es", "Europe/Madrid", "uninvited"),
)

NOTES = {
    "en": [
        "We worked with the tightness in your chest and let it have some room. Tiredness or "
        "tears in the next two days are normal; be slow with yourself.",
        "Today we stayed with the part of you that keeps watch. Notice when it softens, even "
        "for a moment.",
        "A gentle session. Drink water, eat something warm, and let the evening be quiet.",
    ],
    "es": [
        "Trabajamos con la presión en el pecho y le dimos espacio. Es normal sentir cansancio "
        "o ganas de llorar en los próximos dos días; ve despacio contigo.",
        "Hoy acompañamos a la parte de ti que siempre vigila. Observa cuándo se suaviza, "
        "aunque sea un momento.",
        "Una sesión suave. Bebe agua, come algo caliente y deja que la tarde sea tranquila.",
    ],
}
CHECKIN_NOTES = {
    "en": ["Slept a lot. Feeling lighter.", "Cried in the car, then felt calmer.", ""],
    "es": ["Dormí mucho. Me siento más ligera.", "Lloré en el coche y luego me calmé.", ""],
}


# Journal entries and ripples: (kind, words, shared), by language.
JOURNAL = {
    "en": [
        ("ripple", "My sister called and I didn't brace myself. Just listened.", True),
        (
            "free",
            "The tightness came back at work, but I put a hand on my chest and it eased. "
            "Small, but I noticed it.",
            True,
        ),
        ("ripple", "Took the long way home and didn't check my phone once.", False),
        (
            "free",
            "I keep thinking about what we said about the part that keeps watch. "
            "It is tired. So am I, in a good way today.",
            False,
        ),
    ],
    "es": [
        ("ripple", "Mi madre me criticó y esta vez no me defendí: respiré y ya.", True),
        (
            "free",
            "Hoy lloré un rato en la ducha y después me sentí más ligera. "
            "Creo que algo se está soltando.",
            True,
        ),
        ("ripple", "Dije que no a una cena sin sentirme culpable.", False),
        (
            "free",
            "Escribo esto solo para mí: todavía me cuesta confiar, pero menos que antes.",
            False,
        ),
    ],
}


def _journal_and_practices(rng: random.Random, now: dt.datetime, client: Client) -> None:
    """A few practices done, and private and shared entries, over the last ten days."""
    offered = library.fitting(client.practice_id, "moderate", "other")
    done = [
        ExerciseDone(
            practice_id=client.practice_id,
            client=client,
            exercise=rng.choice(offered),
            at=now - dt.timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 12)),
        )
        for _ in range(rng.randint(1, 4))
    ]
    ExerciseDone.objects.bulk_create(done)
    for days, (kind, words, shared) in zip((8, 5, 3, 1), JOURNAL[client.language], strict=True):
        at = now - dt.timedelta(days=days, hours=rng.randint(1, 10))
        entry = journal.write(client, words, kind=kind)
        Entry.objects.filter(pk=entry.pk).update(
            created_at=at, shared_at=at + dt.timedelta(minutes=5) if shared else None
        )


def demo_practitioner() -> Practitioner | None:
    return Practitioner.objects.filter(email=EMAIL).first()


@transaction.atomic
def demo_create(*, reset: bool = False, seed: int = 7) -> bool:
    existing = Practice.objects.filter(name=PRACTICE_NAME)
    if existing.exists():
        if not reset:
            return False
        for practice in existing:
            CheckIn.objects.filter(practice=practice).delete()
            Session.objects.filter(practice=practice).delete()
            Client.objects.filter(practice=practice).delete()
            practice.practitioners.all().delete()
            practice.delete()
    rng = random.Random(seed)
    now = timezone.now()
    practice = Practice.objects.create(name=PRACTICE_NAME)
    ana = Practitioner.objects.create_user(
        EMAIL,
        PASSWORD,
        practice=practice,
        name="Ana Rivera",
        role=Practitioner.Role.ADMIN,
        timezone="Europe/Madrid",
    )
    team = {"ana": ana} | {
        c.key: Practitioner.objects.create_user(
            c.email,
            PASSWORD,
            practice=practice,
            name=c.name,
            role=Practitioner.Role.MEMBER,
            language=c.language,
            timezone=c.zone,
        )
        for c in COLLEAGUES
    }
    for key, cover in COVERED_BY.items():
        Practitioner.objects.filter(pk=team[key].pk).update(covered_by=team[cover])
    clients = Client.objects.bulk_create(
        Client(
            practice=practice,
            practitioner=team[HELD_BY.get(c.name, "ana")],
            name=c.name,
            email=c.name.split()[0].lower().replace("í", "i").replace("ú", "u") + "@example.com",
            language=c.language,
            timezone=c.zone,
            invited_at=None if c.state == "uninvited" else now - dt.timedelta(days=95),
        )
        for c in CLIENTS
    )
    sessions: list[Session] = []
    checkins: list[CheckIn] = []
    for client, spec in zip(clients, CLIENTS, strict=True):
        _history(rng, now, practice, client.practitioner, client, spec, sessions, checkins)
    Session.objects.bulk_create(sessions, batch_size=500)
    for checkin in checkins:
        checkin.session = checkin.session  # re-read the pk assigned by bulk_create
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    # What the queue would say about each client's latest answer, and about silences.
    for client in clients:
        latest = client.checkins.filter(state=State.ANSWERED).order_by("-answered_at").first()
        if latest is not None:
            alerts.raise_for_answer(latest)
    alerts.silent_after_intense(now)
    _waiting_too_long(now, team["luis"])
    for client, spec in zip(clients, CLIENTS, strict=True):
        if spec.state in ("steady", "stirred", "unmet"):
            _journal_and_practices(rng, now, client)
            _questionnaires(rng, now, client)
    return True


def _waiting_too_long(now: dt.datetime, luis: Practitioner) -> None:
    """One of Luis's alerts has waited past its time unacknowledged: the worker passes it
    on to his cover (Ana) as soon as it starts, so `make run` shows coverage at work."""
    alert = (
        Alert.objects.filter(responsible=luis, state=AlertState.OPEN)
        .order_by("-level", "opened_at")
        .first()
    )
    if alert is not None:
        late = now - dt.timedelta(hours=2)
        Alert.objects.filter(pk=alert.pk).update(opened_at=late, escalate_at=now)


def _questionnaires(rng: random.Random, now: dt.datetime, client: Client) -> None:
    """A PHQ-9 and a WHO-5 a month apart, and the ladder quiz twice."""
    for slug, items, top in (("phq9", 9, 3), ("who5", 5, 5), ("ladder", 10, 4)):
        for days in (35, 4):
            answers = [rng.randint(0, top) for _ in range(items)]
            if slug == "phq9":
                answers[-1] = 0  # the demo keeps its urgent alerts to the check-ins
            at = now - dt.timedelta(days=days, hours=rng.randint(0, 8))
            given = questionnaires.begin(client, slug)
            questionnaires.answer(given, answers)
            Administration.objects.filter(pk=given.pk).update(answered_at=at, created_at=at)


def _history(
    rng: random.Random,
    now: dt.datetime,
    practice: Practice,
    practitioner: Practitioner,
    client: Client,
    spec: DemoClient,
    sessions: list[Session],
    checkins: list[CheckIn],
) -> None:
    if spec.state in ("new", "uninvited"):
        return
    day = now - dt.timedelta(days=90)
    last_start = now - dt.timedelta(days=2) if spec.state in ("stirred", "silent") else now
    while day < last_start:
        intensity = rng.choice(list(Intensity))
        session = Session(
            practice=practice,
            client=client,
            practitioner=practitioner,
            starts_at=day.replace(minute=0, second=0, microsecond=0),
            modality=rng.choice(list(Modality)),
            intensity=intensity,
            client_note=rng.choice(NOTES[client.language]),
            private_note="Demo: private working notes.",
        )
        sessions.append(session)
        next_day = day + dt.timedelta(days=rng.randint(7, 14))
        recent = next_day >= last_start
        if recent and spec.state in ("stirred", "silent"):
            session.intensity = Intensity.INTENSE
            session.starts_at = last_start
        until = None if recent else next_day.replace(minute=0, second=0, microsecond=0)
        _checkins_after(rng, now, session, client, spec, recent, checkins, until)
        day = next_day
    if spec.state == "planned":
        planned = Session(
            practice=practice,
            client=client,
            practitioner=practitioner,
            starts_at=now + dt.timedelta(days=3),
            modality=Modality.BODYWORK,
            intensity=Intensity.GENTLE,
        )
        sessions.append(planned)
        _checkins_after(rng, now, planned, client, spec, False, checkins, None)


def _checkins_after(
    rng: random.Random,
    now: dt.datetime,
    session: Session,
    client: Client,
    spec: DemoClient,
    recent: bool,
    checkins: list[CheckIn],
    until: dt.datetime | None,
) -> None:
    """The session's follow-up as Tend would have run it: answered, missed, or still to come."""
    session.plan_hours = list(plans.DEFAULT_HOURS[session.intensity])
    peak = {"gentle": 3, "moderate": 5, "intense": 8}[session.intensity]
    stirred = recent and spec.state == "stirred"
    silent = recent and spec.state == "silent"
    unmet = recent and spec.state == "unmet"
    due_times = plans.preview(client, session.starts_at, session.plan_hours)
    for sequence, (hours, due) in enumerate(zip(session.plan_hours, due_times, strict=True), 1):
        remind, closes = followup.window(client, due)
        row = CheckIn(
            practice_id=client.practice_id,
            client=client,
            session=session,
            sequence=sequence,
            due_at=due,
            remind_at=remind,
            closes_at=closes,
        )
        checkins.append(row)
        if until is not None and due >= until:
            row.state, row.cancel_reason = State.CANCELLED, "superseded"
            continue
        if due > now:
            row.state = State.SCHEDULED
            continue
        row.sent_at = due
        answered_at = due + dt.timedelta(minutes=rng.randint(5, 240))
        if silent or answered_at > now or (not recent and rng.random() < 0.15):
            row.state = State.SENT if closes > now else State.MISSED
            continue
        row.state = State.ANSWERED
        row.answered_at = answered_at
        row.activation = max(0, min(10, peak - hours // 48 + rng.randint(-1, 1) + 2 * stirred))
        if rng.random() < 0.3 and not stirred:
            row.quick_answer = QuickAnswer.SETTLED if row.activation < 4 else QuickAnswer.TENDER
            continue
        row.details_added_at = answered_at
        row.sensations = rng.sample(list(Sensation.values), k=rng.randint(0, 3))
        row.emotions = rng.sample(list(Emotion.values), k=rng.randint(0, 3))
        row.slept = "no" if unmet else rng.choice(["yes", "yes", "no", ""])
        row.ate = "no" if unmet else rng.choice(["yes", "yes", ""])
        row.drank = rng.choice(["yes", "no", ""])
        row.moved = rng.choice(["yes", "no", ""])
        row.wants_contact = True if stirred and hours >= 24 else rng.choice([None, False, False])
        row.note = rng.choice(CHECKIN_NOTES[client.language])


def welcome_lines() -> list[str]:
    """What `tend run` prints: the demo logins and fresh sign-in links for two clients."""
    ana = demo_practitioner()
    if ana is None:
        return ["No demo data. Run `tend demo` to create some."]
    lines = [f"Practitioner sign-in: {EMAIL} / {PASSWORD}"]
    names = dict(Practitioner.objects.filter(practice=ana.practice).values_list("email", "name"))
    for colleague in COLLEAGUES:
        if colleague.email in names:
            lines.append(
                f"Colleague sign-in ({names[colleague.email]}, a member): "
                f"{colleague.email} / {PASSWORD}"
            )
    for language in ("en", "es"):
        client = Client.objects.filter(practice=ana.practice, language=language).first()
        if client is not None:
            url = links.link_create(client=client)
            lines.append(f"Client sign-in link for {client.name} ({language}): {url}")
    return lines
