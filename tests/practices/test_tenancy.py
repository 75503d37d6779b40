"""Nobody sees or changes another practice's clients, sessions, check-ins, plans, journal
entries or own practices, and no client another client's.

The matrix below lists every URL that names a client, a session, a check-in, an aftercare
plan, a journal entry or a practice (exercise). Adding such a
URL to the URLconf without adding it here fails `test_every_url_naming_a_record_is_in_the_matrix`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tend.alerts import services as alert_services
from tend.alerts.models import Alert, AlertEvent, Kind, Level
from tend.assessments.forms import EXAMPLE
from tend.assessments.models import Administration, Assignment, Questionnaire
from tend.care.models import AftercarePlan, Session
from tend.checkins.models import CheckIn, ClientReply, Reply
from tend.clients.models import Client, SignInLink
from tend.integration.models import Exercise, ExerciseDone
from tend.journal import services as journal
from tend.journal.models import Entry
from tend.practices import tenancy
from tend.practices.models import Invitation, Move, Practitioner
from tend.team import invitations as team_invitations
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db


RECORD_KWARGS = {
    "client_id": "client",
    "session_id": "session",
    "checkin_id": "checkin",
    "plan_id": "plan",
    "alert_id": "alert",
    "reply_id": "reply",
    "answer_id": "client_reply",
    "entry_id": "entry",
    "administration_id": "administration",
    "assignment_id": "assignment",
    "questionnaire_id": "questionnaire",
    "exercise_id": "exercise",
    "practitioner_id": "colleague",
    "invitation_id": "invitation",
}


@dataclass
class World:
    """Alice's practice with one client, session and check-in; Bob runs another practice."""

    alice: Practitioner
    bob: Practitioner
    carmen: Client
    dana: Client  # another of Alice's clients
    session: Session
    checkin: CheckIn
    plan: AftercarePlan
    records: dict[str, Any] = field(default_factory=dict)


def session_form(world: World) -> dict[str, str]:
    return {
        "starts_at": "2026-01-10T10:00",
        "modality": "breathwork",
        "intensity": "gentle",
        "client_note": "Written by whoever got through.",
        "private_note": "Should never be saved by an outsider.",
    }


def client_form(world: World) -> dict[str, str]:
    return {
        "name": "Renamed by an outsider",
        "email": "outsider@example.com",
        "language": "en",
        "timezone": "UTC",
        "quiet_start": "01:00",
        "quiet_end": "02:00",
    }


def plan_form(world: World) -> dict[str, str]:
    return {
        "intensity": "gentle",
        "modality": "",
        "hours_text": "5h",
        "guidance_en": "Written by whoever got through.",
    }


def exercise_form(world: World) -> dict[str, str]:
    return {
        "kind": "rest",
        "minutes": "3",
        "intensities": "gentle",
        "title_en": "A slower walk",
        "summary_en": "Walk at half your usual pace.",
        "steps_en": "Go outside.\nWalk slowly.",
    }


def role_form(world: World) -> dict[str, str]:
    return {"role": "admin"}


def to_alice(world: World) -> dict[str, str]:
    return {"colleague": str(world.alice.pk)}


def to_colleague(world: World) -> dict[str, str]:
    return {"colleague": str(world.records["colleague"])}


def questionnaire_form(world: World) -> dict[str, str]:
    return {"text": EXAMPLE.replace("sleep3", "sleep4")}


def who5_answers(world: World) -> dict[str, str]:
    return {f"item_{n}": "3" for n in range(1, 6)}


def send_who5(world: World) -> dict[str, str]:
    return {"slug": "who5"}


def erase_form(world: World) -> dict[str, str]:
    return {"name": world.carmen.name}


def nothing(world: World) -> dict[str, str]:
    return {}


def resolve_form(world: World) -> dict[str, str]:
    return {"note": "Called her; she is with her sister tonight."}


def reply_form(world: World) -> dict[str, str]:
    return {"reply": "Thank you for telling me. I'll call you this afternoon."}


def client_reply_form(world: World) -> dict[str, str]:
    return {"body": "Thank you. Tomorrow morning suits me."}


@dataclass(frozen=True)
class Route:
    """One URL naming a record. `post` is a valid form for it, or None if it takes no POST."""

    name: str
    post: Callable[[World], dict[str, str]] | None = None
    get: bool = True
    # "practitioner"; "client": a signed-in client's own page (another client is kept out);
    # "practice client": open to every client of the practice (one of Bob's is kept out).
    audience: str = "practitioner"
    use: str = ""  # which record, when not the usual one for its kind (a private entry)

    @property
    def record(self) -> str:
        [kwarg] = [k for k in RECORD_KWARGS if f"<int:{k}>" in self.pattern]
        return kwarg

    @property
    def pattern(self) -> str:
        return next(p for n, p in url_patterns() if n == self.name)

    def url(self, world: World) -> str:
        key = self.use or RECORD_KWARGS[self.record]
        return reverse(self.name, kwargs={self.record: world.records[key]})


MATRIX = [
    Route("clients:detail"),
    Route("clients:brief"),
    Route("clients:edit", post=client_form),
    Route("clients:invite", post=nothing, get=False),
    Route("clients:sign_out", post=nothing, get=False),
    Route("care:add", post=session_form),
    Route("care:edit", post=session_form),
    Route("care:delete", post=nothing),
    Route("checkins:detail"),
    Route("checkins:seen", post=nothing, get=False, use="unseen_checkin"),
    Route("checkins:thanks", audience="client"),
    Route("care:plan_edit", post=plan_form),
    Route("care:plan_delete", post=nothing),
    Route("alerts:detail"),
    Route("alerts:resolve", post=resolve_form, get=False),
    Route("alerts:acknowledge", post=nothing, get=False),
    Route("alerts:reply", post=reply_form, get=False),
    Route("alerts:reply_about_alert", post=reply_form, get=False),
    Route("checkins:answer_reply", post=client_reply_form, get=False, audience="client"),
    Route("checkins:wrote_back", audience="client"),
    Route("journal:share", post=nothing, get=False, audience="client", use="private_entry"),
    Route("journal:unshare", post=nothing, get=False, audience="client"),
    Route("alerts:entry_seen", post=nothing, get=False),
    Route("alerts:entry_reply", post=reply_form, get=False),
    Route("integration:practice", audience="practice client"),
    Route("integration:done", post=nothing, get=False, audience="practice client"),
    Route("library:edit", post=exercise_form),
    Route("assessments:mine", post=who5_answers, audience="client"),
    Route("assessments:send", post=send_who5, get=False),
    Route("assessments:stop", post=nothing, get=False),
    Route("assessments:questionnaire_edit", post=questionnaire_form),
    Route("library:remove", post=nothing),
    Route("team:member"),
    Route("team:role", post=role_form, get=False),
    Route("team:deactivate", post=to_alice, get=False),
    Route("team:reactivate", post=nothing, get=False, use="switched_off"),
    Route("team:withdraw", post=nothing, get=False),
    Route("team:reset_two_step", post=nothing, get=False),
    Route("team:move_client", post=to_colleague),
    Route("records:client_trail"),
    Route("records:client_trail_csv"),
    Route("records:erase", post=erase_form),
]


def url_patterns() -> Iterator[tuple[str, str]]:
    """(namespaced name, full route) for every URL in the URLconf."""

    def walk(
        patterns: list[URLPattern | URLResolver], namespace: str, prefix: str
    ) -> Iterator[tuple[str, str]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                yield from walk(p.url_patterns, ns, route)
            else:
                yield ":".join(filter(None, [namespace, p.name])), route

    return walk(get_resolver().url_patterns, "", "")


def requests(route: Route) -> list[tuple[Route, str]]:
    methods = (["get"] if route.get else []) + (["post"] if route.post else [])
    return [(route, method) for method in methods]


OWNER_CASES = [case for route in MATRIX for case in requests(route)]
INTRUDER_CASES = [(route, method) for route in MATRIX for method in ("get", "post")]


def case_id(case: tuple[Route, str]) -> str:
    return f"{case[1].upper()} {case[0].name}"


@pytest.fixture
def world(alice: Practitioner, bob: Practitioner, carmen: Client) -> World:
    session = factories.SessionFactory(client=carmen)
    checkin = factories.CheckInFactory(client=carmen, session=session, need="A walk.")
    dana = factories.ClientFactory(practitioner=alice, name="Dana Fox")
    unseen = factories.CheckInFactory(client=dana)
    plan = AftercarePlan.objects.create(practice=alice.practice, intensity="intense", hours=[3, 24])
    # Both run their practice, so only tenancy (not a missing role) can keep Bob out of plans.
    Practitioner.objects.filter(pk__in=[alice.pk, bob.pk]).update(role=Practitioner.Role.ADMIN)
    alice.refresh_from_db()
    bob.refresh_from_db()
    w = World(alice, bob, carmen, dana, session, checkin, plan)
    # One alert in hand (to resolve) and one still open (to acknowledge).
    in_hand = alert_services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {}, checkin=checkin)
    alert_services.acknowledge([in_hand], alice)
    alert_services.open_alert(carmen, Kind.ACTIVATION, Level.NORMAL, {"activation": 9})
    reply = alert_services.reply(carmen, alice, "How are you today?")
    answer = alert_services.client_wrote_back(reply, "A little better, thank you.")
    # A private entry to share and a shared one to take back, see and answer: the routes
    # name the one their owner can use.
    factories.ClientFactory(practitioner=bob, name="Erin Elsewhere")  # a client of Bob's
    private = journal.write(carmen, "Kept for myself.")
    shared = journal.write(carmen, "For Alice to read.", share=True)
    own = Exercise.objects.create(
        practice=alice.practice,
        key="alices-walk",
        kind="rest",
        intensities=["gentle"],
        text={"en": {"title": "Alice's walk", "summary": "A walk.", "steps": ["Walk."]}},
    )
    asked = Administration.objects.create(practice=alice.practice, client=carmen, slug="who5")
    written = Questionnaire.objects.create(practice=alice.practice, slug="sleep3", text=EXAMPLE)
    rhythm = Assignment.objects.create(
        practice=alice.practice, client=carmen, slug="who5", when="rhythm", created_by=alice
    )
    colleague = factories.PractitionerFactory(practice=alice.practice, name="Cole Colleague")
    switched_off = factories.PractitionerFactory(practice=alice.practice, is_active=False)
    invitation, _url = team_invitations.invite(
        by=alice, email="newcomer@example.com", role="member", language="en"
    )
    w.records = {
        "colleague": colleague.pk,
        "switched_off": switched_off.pk,
        "invitation": invitation.pk,
        "administration": asked.pk,
        "assignment": rhythm.pk,
        "questionnaire": written.pk,
        "entry": shared.pk,
        "private_entry": private.pk,
        "exercise": own.pk,
        "reply": reply.pk,
        "client_reply": answer.pk,
        "alert": in_hand.pk,
        "client": carmen.pk,
        "session": session.pk,
        "checkin": checkin.pk,
        "unseen_checkin": unseen.pk,  # Carmen's was seen when its alert was acknowledged
        "plan": plan.pk,
    }
    return w


def everything() -> dict[str, list[dict[str, Any]]]:
    """Every row a request could touch, as plain values (encrypted text decrypted)."""
    models = (
        *(Client, Session, CheckIn, SignInLink, AftercarePlan),
        *(Alert, AlertEvent, Reply, ClientReply, Entry, Exercise, ExerciseDone, Administration),
        Assignment,
        Questionnaire,
        *(Practitioner, Invitation, Move),
    )
    # A practitioner's last sign-in changes with any request made as them: not a change.
    return {
        m.__name__: [
            {k: v for k, v in row.items() if k != "last_login"}
            for row in m.objects.order_by("pk").values()
        ]
        for m in models
    }


def owner(world: World, route: Route) -> HttpClient:
    if route.audience in ("client", "practice client"):
        return signed_in_as(world.carmen)
    http = HttpClient()
    http.force_login(world.alice)
    return http


def intruder(world: World, route: Route) -> HttpClient:
    """Bob for practitioner pages; for a client's own page, another client of Alice's; for
    a page every client of the practice may open, a client of Bob's."""
    if route.audience == "client":
        return signed_in_as(world.dana)
    if route.audience == "practice client":
        return signed_in_as(Client.objects.get(name="Erin Elsewhere"))
    http = HttpClient()
    http.force_login(world.bob)
    return http


def send(http: HttpClient, world: World, route: Route, method: str) -> Any:
    if method == "get":
        return http.get(route.url(world))
    data = route.post(world) if route.post else {"anything": "at all"}
    return http.post(route.url(world), data)


@pytest.mark.parametrize("case", INTRUDER_CASES, ids=case_id)
def test_someone_outside_gets_not_found_and_changes_nothing(
    world: World, smtp_inbox: Inbox, case: tuple[Route, str]
) -> None:
    route, method = case
    before = everything()

    response = send(intruder(world, route), world, route, method)

    accepted = route.get if method == "get" else route.post is not None
    assert response.status_code == 404 if accepted else response.status_code in (404, 405)
    if response.status_code == 404:
        page = response.content.decode()
        assert "We couldn&#x27;t find that page" in page
        assert world.carmen.name not in page
    assert everything() == before
    assert smtp_inbox.messages == []


@pytest.mark.parametrize("case", OWNER_CASES, ids=case_id)
def test_the_owner_can_open_and_use_every_page(
    world: World, smtp_inbox: Inbox, case: tuple[Route, str]
) -> None:
    """Proves the intruder's 404s come from tenancy, not from a broken URL or form."""
    route, method = case
    before = everything()

    response = send(owner(world, route), world, route, method)

    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert everything() != before or smtp_inbox.messages


@pytest.mark.parametrize(
    "route", [r for r in MATRIX if r.audience == "practitioner"], ids=lambda r: r.name
)
def test_a_signed_in_client_cannot_open_practitioner_pages(
    world: World, smtp_inbox: Inbox, route: Route
) -> None:
    before = everything()
    http = signed_in_as(world.carmen)
    for method in ("get", "post"):
        response = send(http, world, route, method)
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/")
    assert everything() == before
    assert smtp_inbox.messages == []


def test_every_url_naming_a_record_is_in_the_matrix() -> None:
    naming_a_record = {
        name for name, route in url_patterns() if any(f"<int:{k}>" in route for k in RECORD_KWARGS)
    }
    # Catch records named some other way too (e.g. <str:client_id> or a regex group).
    naming_a_record |= {
        name for name, route in url_patterns() if any(k in route for k in RECORD_KWARGS)
    }
    assert naming_a_record, "the URLconf walk found nothing; the walk itself is broken"
    assert naming_a_record - {r.name for r in MATRIX} == set()
    assert {r.name for r in MATRIX} - naming_a_record == set(), "matrix names a URL that's gone"


def test_a_client_sees_only_their_own_thank_you_page(world: World) -> None:
    dana_checkin = CheckIn.objects.get(client=world.dana)
    as_carmen = signed_in_as(world.carmen)

    assert as_carmen.get(f"/c/checkin/{world.checkin.pk}/thanks/").status_code == 200
    response = as_carmen.get(f"/c/checkin/{dana_checkin.pk}/thanks/")

    assert response.status_code == 404
    assert "Thank you for checking in" not in response.content.decode()


def test_a_client_of_another_practice_cannot_see_a_thank_you_page(world: World) -> None:
    bobs_client = factories.ClientFactory(practitioner=world.bob)

    response = signed_in_as(bobs_client).get(f"/c/checkin/{world.checkin.pk}/thanks/")

    assert response.status_code == 404


def test_client_list_shows_only_the_practices_own_clients(world: World) -> None:
    factories.ClientFactory(practitioner=world.bob, name="Zed Outsider")
    colleague = factories.PractitionerFactory(practice=world.alice.practice)
    factories.ClientFactory(practitioner=colleague, name="Yara Colleague")
    http = HttpClient()
    http.force_login(world.alice)

    page = http.get("/clients/").content.decode()

    assert "Carmen López" in page
    assert "Dana Fox" in page
    assert "Yara Colleague" in page  # same practice, another practitioner
    assert "Zed Outsider" not in page


def test_bob_sees_his_own_clients_and_none_of_alices(world: World, as_bob: HttpClient) -> None:
    factories.ClientFactory(practitioner=world.bob, name="Zed Outsider")

    page = as_bob.get("/clients/").content.decode()

    assert "Zed Outsider" in page
    assert "Carmen López" not in page
    assert "Dana Fox" not in page


def test_a_client_sharing_a_browser_with_their_practitioner_sees_only_their_own_note(
    world: World,
) -> None:
    """Alice is signed in on the same browser; Carmen's space still shows only Carmen."""
    factories.SessionFactory(
        client=world.dana,
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        client_note="Dana's private homework.",
    )
    factories.CheckInFactory(client=world.dana, activation=9)
    http = HttpClient()
    http.force_login(world.alice)
    session = http.session
    session["tend_client_id"] = world.carmen.pk
    session.save()

    home = http.get("/c/").content.decode()

    assert "Rest tonight; tears tomorrow are normal." in home
    assert "Dana" not in home
    assert "9 of 10" not in home
    dana_checkin = CheckIn.objects.filter(client=world.dana).first()
    assert dana_checkin is not None
    assert http.get(f"/c/checkin/{dana_checkin.pk}/thanks/").status_code == 404


# tenancy.scoped, directly


def request_for(user: Any = None, client: Client | None = None, path: str = "/") -> Any:
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.client = client
    return request


@pytest.mark.parametrize("model", [Client, Session, CheckIn, SignInLink], ids=lambda m: m.__name__)
def test_scoped_returns_nothing_for_an_anonymous_request(world: World, model: type) -> None:
    assert model.objects.exists() or model is SignInLink
    assert list(tenancy.scoped(request_for(), model)) == []
    bare = RequestFactory().get("/")
    bare.user = AnonymousUser()  # no `client` attribute at all
    assert list(tenancy.scoped(bare, model)) == []


def test_scoped_gives_a_practitioner_their_practice_and_a_client_themselves(
    world: World,
) -> None:
    bobs_client = factories.ClientFactory(practitioner=world.bob)
    factories.CheckInFactory(client=bobs_client)

    as_alice = request_for(user=world.alice)
    assert set(tenancy.scoped(as_alice, Client)) == {world.carmen, world.dana}
    assert set(tenancy.scoped(as_alice, CheckIn).values_list("client", flat=True)) == {
        world.carmen.pk,
        world.dana.pk,
    }

    as_carmen = request_for(client=world.carmen, path="/c/")
    assert list(tenancy.scoped(as_carmen, Client)) == [world.carmen]
    assert list(tenancy.scoped(as_carmen, CheckIn)) == [world.checkin]
    assert list(tenancy.scoped(as_carmen, Session)) == [world.session]


def test_get_or_404_treats_junk_ids_as_not_found(world: World) -> None:
    as_alice = request_for(user=world.alice)
    for junk in ("abc", None, 10**30, -1):
        with pytest.raises(Http404):
            tenancy.get_or_404(as_alice, Client, pk=junk)
