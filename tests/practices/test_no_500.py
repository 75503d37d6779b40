"""Junk in any form or URL gets a calm answer, never "Something went wrong on our side".

Nothing here is listed by hand, so new pages, forms and fields are covered without touching
this file:

- the URLs come from walking the URLconf; each is filled with real ids and signed tokens
  from a seeded practice, with another practice's, and with nonsense;
- the field names come from every form class in tend (and the forms the URLconf's own
  views use), and the few keys views read from the request directly from their source;
- each URL is asked with GET and POST (empty, plausible, missing, wrong-typed, garbage,
  very long and unicode fields, and bodies that aren't even form data) by nobody, a
  practitioner, an admin of the practice and a signed-in client.

Every request starts from the same seeded database: each one is rolled back afterwards
and the visitor's cookies put back, so a delete or a sign-out doesn't hide the rest.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import inspect
import pkgutil
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import time_machine
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.base import PartialTemplate, Template
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import tend
from tend.alerts import services as alert_services
from tend.alerts.models import Kind, Level
from tend.assessments import links as questionnaire_links
from tend.assessments import scoring
from tend.assessments.forms import EXAMPLE
from tend.assessments.models import Administration, Assignment, Questionnaire
from tend.care.models import AftercarePlan, Session
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, State
from tend.clients import email_links, links
from tend.clients.models import Client, SignInLink
from tend.integration import links as practice_links
from tend.integration.models import Exercise
from tend.journal import services as journal
from tend.practices.models import Practitioner
from tend.safety.models import CrisisLine
from tend.team import invitations as team_invitations
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "practitioner", "admin", "client"]

# ---------------------------------------------------------------------------- discovery


def tend_modules() -> list[Any]:
    """Every module in the tend package, imported (so every form class is defined)."""
    return [
        importlib.import_module(info.name) for info in pkgutil.walk_packages(tend.__path__, "tend.")
    ]


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(full route, pattern) for every pattern in the URLconf, however deeply included."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Any]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            else:
                yield route, p

    return walk(get_resolver().url_patterns, "")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in tend, and every form class a view in the URLconf uses."""
    tend_modules()
    found = {c for c in _subclasses(forms.BaseForm) if c.__module__.startswith("tend.")}
    for _route, pattern in url_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        initkwargs = getattr(pattern.callback, "view_initkwargs", {})
        for value in [getattr(view_class, "form_class", None), *initkwargs.values()]:
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                found.add(value)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


KEY_READ = re.compile(
    r"""request\.(?P<m1>POST|GET)(?:\.get(?:list)?\(\s*|\[\s*)["'](?P<k1>\w+)["']"""
    r"""|["'](?P<k2>\w+)["']\s+(?:not\s+)?in\s+request\.(?P<m2>POST|GET)\b"""
)


def keys_read_directly() -> dict[str, set[str]]:
    """Keys views read from request.POST / request.GET themselves, not through a form."""
    keys: dict[str, set[str]] = {"POST": {"next"}, "GET": {"next", "page", "q"}}
    for module in tend_modules():
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            continue
        for m in KEY_READ.finditer(source):
            keys[m["m1"] or m["m2"]].add(m["k1"] or m["k2"])
    return keys


def form_fields(form_class: type[forms.BaseForm], needs: dict[str, Any]) -> dict[str, Any]:
    """The fields of a form as it is built, so fields added in __init__ count too."""
    kwargs = {}
    for name, param in inspect.signature(form_class.__init__).parameters.items():
        if name == "self" or param.default is not param.empty:
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        assert name in needs, (
            f"{form_class.__qualname__} needs {name}=...; add a value for it to "
            "World.form_needs in tests/practices/test_no_500.py"
        )
        kwargs[name] = needs[name]
    return dict(form_class(**kwargs).fields)


# ------------------------------------------------------------------------ hostile values

JUNK: list[tuple[str, Any]] = [
    ("very long", "x" * 20_000),
    ("NUL", "a\x00b"),  # PostgreSQL can't store it
    # replacement char, BOM, right-to-left override, zero width, and an emoji
    ("odd unicode", "\ufffd\ufeff\u202e\u200b" + "💥" * 500),
    ("huge number", "9" * 400),
    ("-1", "-1"),
    ("overflowing float", "1e309"),
    ("NaN", "NaN"),
    ("year 1", "0001-01-01T00:00"),
    ("year 9999", "9999-12-31T23:59"),
    ("24:60", "24:60"),
    ("markup and SQL", "<script>alert(1)</script>' OR 1=1 -- ../../etc/passwd"),
    ("header injection", "/c/\r\nSet-Cookie: x=1"),  # where a path is expected
    ("empty", ""),
    ("a list of junk", ["\x00", "9" * 400]),  # several values where one is expected
]
# Junk for the text fields of an otherwise plausible form, so it gets past the other fields.
TEXT_JUNK = [
    (label, value) for label, value in JUNK if label in {"very long", "NUL", "odd unicode"}
]
QUERY_JUNK: list[tuple[str, Any]] = [
    ("NUL", "\x00"),
    ("long", "x" * 5000),
    ("a list", ["a", "b"]),
    ("elsewhere", "https://evil.example/"),
]
RAW_BODIES = [
    ("not UTF-8", b"name=%ff%fe%fd&email=%c3%28&note=%ed%a0%80&activation=%00"),
    ("many fields", b"activation=5&" + b"&".join(b"f%d=1" for d in range(500))),
    ("broken encoding", b"%%%%&&&==="),
]
NONSENSE_BY_CONVERTER: dict[str, list[Any]] = {
    "int": [0, 10**30],
    "str": ["x" * 3000, "\x00", "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")],
}
ODD_PATHS = [
    "/clients/%00/",
    "/clients/-1/",
    "/c/signin/%ff%fe/",
    "/c/signin/%00/fresh/",
    "/" + "a" * 5000,
    "/checkins/99999999999999999999999999999999/",
    "/sessions/new/%2e%2e/",
    "/%E2%80%AE/",
]


def _choice_values(choices: Any) -> list[Any]:
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group
            values.extend(v for v, _ in label)
        else:
            values.append(value)
    return [v for v in values if v not in ("", None)]


def plausible(f: forms.Field) -> Any:
    """A value the field would likely accept."""
    soon = timezone.now() + dt.timedelta(days=3)
    if isinstance(f, forms.MultipleChoiceField):
        return _choice_values(f.choices)[:1]
    if isinstance(f, forms.ChoiceField):
        values = _choice_values(f.choices)
        return str(values[0]) if values else ""
    if isinstance(f, forms.BooleanField):
        return "on"
    if isinstance(f, forms.DateTimeField):
        return soon.strftime("%Y-%m-%dT%H:%M")
    if isinstance(f, forms.DateField):
        return soon.date().isoformat()
    if isinstance(f, forms.TimeField):
        return "09:00"
    if isinstance(f, forms.EmailField):
        return "someone@example.com"
    if isinstance(f, forms.URLField):
        return "https://example.org/"
    if isinstance(f, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return str(max(f.min_value or 1, 1))
    if isinstance(f, forms.JSONField):
        return "[]"
    return "Just fine"


def wrong_type(f: forms.Field) -> Any:
    """A value of the wrong kind for the field."""
    if isinstance(f, forms.MultipleChoiceField):
        return "not-one-of-them"
    if isinstance(f, forms.ChoiceField):
        return "no-such-choice"
    if isinstance(f, forms.DateTimeField | forms.DateField | forms.TimeField):
        return "the day after tomorrow"
    if isinstance(f, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return "seven"
    if isinstance(f, forms.EmailField):
        return "@@"
    if isinstance(f, forms.URLField):
        return "javascript:alert(1)"
    if isinstance(f, forms.JSONField):
        return "{not json"
    return ["a", "b"]  # several values where one is expected


def is_text(f: forms.Field) -> bool:
    return isinstance(f, forms.CharField) and not isinstance(f, forms.EmailField | forms.URLField)


@dataclass
class Bodies:
    """POST bodies built from every field name any form or view knows."""

    fields: dict[str, forms.Field]
    extra: set[str]

    def plausible(self) -> dict[str, Any]:
        return {name: plausible(f) for name, f in self.fields.items()}

    def with_extra(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body and the keys views read themselves (which can switch a form off, like
        "preview" or "back": so a plausible body is sent with them and without)."""
        return body | dict.fromkeys(self.extra - body.keys(), "1")

    def every(self, value: Any) -> dict[str, Any]:
        return dict.fromkeys([*self.fields, *self.extra], value)

    def full(self) -> Iterator[tuple[str, dict[str, Any]]]:
        good = self.plausible()
        yield "no fields at all", {}
        yield "plausible fields", good
        yield "plausible fields and every key views read", self.with_extra(good)
        yield "every other field missing", {k: v for i, (k, v) in enumerate(good.items()) if i % 2}
        yield "wrong types", {n: wrong_type(f) for n, f in self.fields.items()}
        for label, value in JUNK:
            yield f"every field {label}", self.every(value)
        for label, value in TEXT_JUNK:
            texts = {n: value for n, f in self.fields.items() if is_text(f)}
            yield f"plausible but text fields {label}", good | texts

    def light(self) -> Iterator[tuple[str, dict[str, Any]]]:
        good = self.plausible()
        yield "no fields at all", {}
        yield "plausible fields", good
        yield "wrong types", {n: wrong_type(f) for n, f in self.fields.items()}


# -------------------------------------------------------------------------- the world

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def fill(route: str, kwargs: dict[str, Any]) -> str:
    return "/" + PARAM.sub(lambda m: quote(str(kwargs[m["name"]]), safe=""), route)


def pattern_key(route: str, view: Any) -> str:
    """A pattern's route and view: two patterns with one route are told apart (the second
    can never be reached, and the check that every pattern was reached says so)."""
    return f"{route} -> {view.__module__}.{getattr(view, '__qualname__', type(view).__name__)}"


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return pattern_key(match.route, match.func)


def seed(practitioner: Practitioner) -> tuple[dict[str, int], list[str]]:
    """A client with a session, check-ins, an alert; a plan and a crisis line; and the links
    the app itself would email about them: real ids, and real URLs that carry tokens."""
    client = factories.ClientFactory(practitioner=practitioner)
    session = factories.SessionFactory(client=client)
    answered = factories.CheckInFactory(client=client, session=session)
    waiting = factories.CheckInFactory(
        client=client, session=session, state=State.SENT, answered_at=None, activation=None
    )
    plan = AftercarePlan.objects.create(
        practice=practitioner.practice, intensity="gentle", hours=[24]
    )
    alert = alert_services.open_alert(client, Kind.CONTACT, Level.URGENT, {}, checkin=answered)
    line = CrisisLine.objects.create(practice=practitioner.practice, name="Line", phone="116 123")
    reply = alert_services.reply(client, practitioner, "Thinking of you.", checkin=answered)
    answer = alert_services.client_wrote_back(reply, "Thank you.")
    entry = journal.write(client, "A ripple today.", kind="ripple", share=True)
    exercise = Exercise.objects.filter(practice=None).first()
    assert exercise is not None
    asked = Administration.objects.create(
        practice=practitioner.practice, client=client, slug="phq9"
    )
    assignment = Assignment.objects.create(
        practice=practitioner.practice, client=client, slug="who5", when="rhythm"
    )
    own = Questionnaire.objects.create(
        practice=practitioner.practice, slug=f"sleep{practitioner.pk}", text=EXAMPLE
    )
    ids = {
        "questionnaire_id": own.pk,
        "assignment_id": assignment.pk,
        "administration_id": asked.pk,
        "entry_id": entry.pk,
        "exercise_id": exercise.pk,
        "reply_id": reply.pk,
        "answer_id": answer.pk,
        "client_id": client.pk,
        "session_id": session.pk,
        "checkin_id": answered.pk,
        "plan_id": plan.pk,
        "alert_id": alert.pk,
        "line_id": line.pk,
    }

    urls = [answer_links.answer_url(waiting.pk, answer) for answer in answer_links.CHOICES]
    urls.append(answer_links.answer_url(answered.pk, "tender"))  # answered already
    urls.append(email_links.url(client.pk, email_links.STOP))
    urls.append(email_links.url(client.pk, email_links.QUIET_DAY))
    urls.append(practice_links.practice_url(client.pk, exercise.pk))
    urls.append(questionnaire_links.answer_url(asked.pk))
    urls.append(links.link_create(client=client))
    used = links.link_create(client=client)
    assert isinstance(links.link_redeem(urlsplit(used).path.split("/")[-2]), Client)
    urls.append(used)
    urls.append(links.link_create(client=client))
    expired = SignInLink.objects.order_by("-pk").values_list("pk", flat=True)[0]
    SignInLink.objects.filter(pk=expired).update(expires_at=timezone.now())
    with time_machine.travel(timezone.now() - dt.timedelta(days=60)):
        urls.append(answer_links.answer_url(waiting.pk, answer_links.CHOICES[0]))
        urls.append(email_links.url(client.pk, email_links.QUIET_DAY))
    # For a colleague: the practitioners here sign in, which would spoil their own link.
    colleague = factories.PractitionerFactory(practice=practitioner.practice)
    invited, invitation_url = team_invitations.invite(
        by=practitioner, email=f"invited{practitioner.pk}@example.com", role="member", language="es"
    )
    urls.append(invitation_url)
    _used, used_invitation = team_invitations.invite(
        by=practitioner, email=f"joined{practitioner.pk}@example.com", role="admin", language="en"
    )
    token = urlsplit(used_invitation).path.split("/")[-2]
    joined = team_invitations.accept(
        token, name="J", password="x-long-pass-9", language="en", zone="UTC"
    )
    assert isinstance(joined, Practitioner)
    urls.append(used_invitation)
    ids["practitioner_id"] = colleague.pk
    ids["invitation_id"] = invited.pk
    reset = {
        "uidb64": urlsafe_base64_encode(force_bytes(colleague.pk)),
        "token": default_token_generator.make_token(colleague),
    }
    urls.append(reverse("password_reset_confirm", kwargs=reset))
    return ids, [urlsplit(url).path for url in urls]


@dataclass
class World:
    visitors: dict[str, Callable[[], HttpClient]]
    ids: dict[str, dict[str, int]]  # "own" / "other" practice: URL argument -> id
    real_paths: dict[str, list[str]]  # "own" / "other": URLs as the app makes them
    form_needs: dict[str, Any]  # what form classes need to be built

    def kwargs_for(self, route: str, whose: str) -> list[dict[str, Any]]:
        """Real values for a route's arguments: from a URL the app made for this route (or
        one it shares its arguments with, like a/<token>/ and a/<token>/more/), else ids."""
        names = [m["name"] for m in PARAM.finditer(route)]
        upto = route[: route.rindex(">") + 1]
        found: list[dict[str, Any]] = []
        for path in self.real_paths[whose]:
            match = resolve(path)
            if match.route.startswith(upto) and set(names) <= match.kwargs.keys():
                kwargs = {name: match.kwargs[name] for name in names}
                if kwargs not in found:
                    found.append(kwargs)
        if found:
            return found
        missing = [name for name in names if name not in self.ids[whose]]
        assert not missing, (
            f"No real value for {missing} in {route!r}: have seed() in "
            "tests/practices/test_no_500.py make one (an id, or a URL the app emails)"
        )
        return [{name: self.ids[whose][name] for name in names}]


@pytest.fixture
def world(alice: Practitioner, carmen: Client, bob: Practitioner, smtp_inbox: Inbox) -> World:
    ada = factories.PractitionerFactory(
        practice=alice.practice, name="Ada Admin", role=Practitioner.Role.ADMIN
    )
    factories.PractitionerFactory(practice=bob.practice, role=Practitioner.Role.ADMIN)
    own_ids, own_paths = seed(alice)
    factories.CheckInFactory(client=carmen)
    other_ids, other_paths = seed(bob)

    def logged_in(who: Practitioner) -> Callable[[], HttpClient]:
        def make() -> HttpClient:
            http = HttpClient(raise_request_exception=False)
            http.force_login(who)
            return http

        return make

    def as_client() -> HttpClient:
        http = signed_in_as(carmen)
        http.raise_request_exception = False
        return http

    return World(
        visitors={
            "anonymous": lambda: HttpClient(raise_request_exception=False),
            "practitioner": logged_in(alice),
            "admin": logged_in(ada),
            "client": as_client,
        },
        ids={"own": own_ids, "other": other_ids},
        real_paths={"own": own_paths, "other": other_paths},
        form_needs={
            "practice_id": alice.practice_id,
            "now": timezone.now(),
            "practitioner": alice,
            "practitioner_name": alice.name,
            "expected": carmen.name,
            "user": alice,
            "definition": scoring.builtins()["phq9"],
            "choices": [("phq9", "PHQ-9"), ("who5", "WHO-5")],
            "language": "en",
        },
    )


# ------------------------------------------------------------------------------ asking


@dataclass(frozen=True)
class Variant:
    pattern: str  # pattern_key()
    url: str
    full: bool  # every kind of junk, or a representative few
    prelude: tuple[str, ...] = ()  # GET these first (a step before, like a reset link)


def variants(world: World) -> list[Variant]:
    """Each URL pattern with real arguments (full), and another practice's and nonsense."""
    found = []
    for route, pattern in url_patterns():
        key = pattern_key(route, pattern.callback)
        assert not route.startswith("^"), f"{route!r}: teach test_no_500 to fill re_path()s"
        params = list(PARAM.finditer(route))
        if not params:
            found.append(Variant(key, "/" + route, full=True))
            continue
        own = world.kwargs_for(route, "own")
        for i, kwargs in enumerate(own):
            found.append(Variant(key, fill(route, kwargs), full=i == 0))
        other = world.kwargs_for(route, "other")[0]
        found.append(Variant(key, fill(route, other), full=False))
        for param in params:
            converter = param["converter"] or "str"
            assert converter in NONSENSE_BY_CONVERTER, (
                f"{route!r}: add nonsense values for <{converter}:...> to NONSENSE_BY_CONVERTER"
            )
            for junk in NONSENSE_BY_CONVERTER[converter]:
                url = fill(route, own[0] | {param["name"]: junk})
                found.append(Variant(key, url, full=False))
    found.extend(Variant("(no pattern)", path, full=False) for path in ODD_PATHS)
    return found


@dataclass
class Report:
    requests: int = 0
    exercised: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def cause(response: Any) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return str(response.status_code)
    frame = traceback.extract_tb(exc_info[2])[-1]
    return f"{exc_info[1]!r:.200} at {frame.filename.split('/tend/')[-1]}:{frame.lineno}"


def ask_everything(actor: str, world: World) -> Report:
    fields: dict[str, forms.Field] = {}
    for form_class in form_classes():
        for name, f in form_fields(form_class, world.form_needs).items():
            fields.setdefault(name, f)
    keys = keys_read_directly()
    bodies = Bodies(fields, keys["POST"])
    full_bodies, light_bodies = list(bodies.full()), list(bodies.light())

    def attempts(v: Variant) -> Iterator[tuple[str, str, Any]]:
        yield "GET", "no query", None
        for label, junk in QUERY_JUNK if v.full else []:
            yield "GET", f"query {label}", dict.fromkeys(sorted(keys["GET"]), junk)
        for label, body in full_bodies if v.full else light_bodies:
            yield "POST", label, body
        for label, raw in RAW_BODIES if v.full else RAW_BODIES[:1]:
            yield "RAW", label, raw

    http = world.visitors[actor]()
    cookies = copy.deepcopy(http.cookies)
    report = Report()
    todo = variants(world)
    known = {v.url for v in todo}
    for v in todo:  # grows as it goes: see the end of the loop
        if v.full and (key := pattern_of(v.url)) is not None:
            report.exercised.add(key)  # reached with real arguments
        for method, label, data in attempts(v):
            report.requests += 1 + len(v.prelude)
            with transaction.atomic():
                http.cookies = copy.deepcopy(cookies)
                try:
                    for url in v.prelude:
                        http.get(url)
                    if method == "GET":
                        response = http.get(v.url, data)
                    elif method == "RAW":
                        ctype = "application/x-www-form-urlencoded"
                        response = http.post(v.url, data, content_type=ctype)
                    else:
                        response = http.post(v.url, data)
                    failed = response.status_code >= 500 and not health_answer(v.url, response)
                    status = cause(response) if failed else ""
                except Exception as exc:  # a crash outside the view, in the test client
                    status = f"{exc!r:.200}"
                transaction.set_rollback(True)
            if status:
                report.failures.append(f"{actor} {method} {v.url[:80]} ({label}): {status}")
                continue
            # A real link that leads on to a further page of the same pattern (a password
            # reset link leads to its set-password page): that page is asked too.
            if method == "GET" and data is None and v.full and response.has_header("Location"):
                target = urlsplit(response["Location"]).path
                if target not in known and pattern_of(target) == v.pattern:
                    known.add(target)
                    todo.append(Variant(v.pattern, target, True, (*v.prelude, v.url)))
    return report


def health_answer(url: str, response: Any) -> bool:
    """/health/ answers 503 when no worker runs (as here): that is its answer, not a crash."""
    return (
        urlsplit(url).path == "/health/"
        and response.status_code == 503
        and response["Content-Type"] == "application/json"
        and b'"worker"' in response.content
    )


def _render(self: Any, context: Any) -> Any:
    return self.nodelist.render(context)


@pytest.fixture
def templates_unrecorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under test, every template rendered is recorded with a copy of its context: half the
    time taken here, on pages with long lists of choices. Nothing here looks at them."""
    monkeypatch.setattr(Template, "_render", _render)
    monkeypatch.setattr(PartialTemplate, "_render", _render)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.usefixtures("templates_unrecorded")
def test_no_junk_anywhere_causes_a_server_error(actor: str, world: World) -> None:
    started = time.monotonic()

    report = ask_everything(actor, world)

    assert report.failures == []
    # Every pattern in the URLconf was reached with real arguments: a new page is asked
    # too, or this test says why it can't be (no real value for an argument, a re_path).
    assert report.exercised == {pattern_key(r, p.callback) for r, p in url_patterns()}
    print(
        f"\n{actor}: {len(report.exercised)} URL patterns, {len(form_classes())} forms, "
        f"{report.requests} requests in {time.monotonic() - started:.1f}s"
    )


def test_discovery_finds_the_forms_and_keys_it_should() -> None:
    names = {c.__qualname__ for c in form_classes()}
    keys = keys_read_directly()

    assert {"ClientForm", "CoverForm", "SetPasswordForm", "SignInForm"} <= names
    assert {"language", "action", "preview", "back"} <= keys["POST"]
    assert {"lang", "country", "all"} <= keys["GET"]


def test_a_body_too_big_to_read_is_refused_not_a_crash(as_alice: HttpClient) -> None:
    response = as_alice.post("/clients/new/", {"name": "x" * 3_000_000})

    assert response.status_code == 400
    assert "That was too much to send at once" in response.content.decode()


# NUL bytes: PostgreSQL can't store them, so forms must refuse them before they get there.

NUL_ERROR = "Null characters are not allowed."


def test_a_nul_byte_in_a_new_clients_name_is_refused_and_nothing_saved(
    as_alice: HttpClient,
) -> None:
    response = as_alice.post(
        "/clients/new/",
        {
            "name": "Ro\x00sa",
            "email": "rosa@example.com",
            "language": "en",
            "timezone": "UTC",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )

    assert response.status_code == 200
    assert NUL_ERROR in response.content.decode()
    assert Client.objects.count() == 0


def test_a_nul_byte_in_a_session_note_is_refused(as_alice: HttpClient, carmen: Client) -> None:
    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {
            "starts_at": "2026-01-10T10:00",
            "modality": "bodywork",
            "intensity": "gentle",
            "client_note": "rest\x00",
        },
    )

    assert response.status_code == 200
    assert NUL_ERROR in response.content.decode()
    assert Session.objects.count() == 0


@pytest.mark.parametrize("field", ["note", "need"])
def test_a_nul_byte_in_a_check_in_is_refused(as_carmen: HttpClient, field: str) -> None:
    response = as_carmen.post("/c/checkin/", {"activation": "3", field: "te\x00a"})

    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login/", {"username": "alice@example.com", "password": "pa\x00ss"}),
        ("/login/", {"username": "alice\x00@example.com", "password": "x"}),
        ("/c/signin/", {"email": "carmen\x00@example.com"}),
        ("/password-reset/", {"email": "alice@example.com\x00"}),
        ("/account/", {"name": "A\x00", "language": "en", "timezone": "UTC"}),
    ],
)
def test_a_nul_byte_in_sign_in_and_account_forms_is_refused(
    alice: Practitioner, carmen: Client, smtp_inbox: Inbox, url: str, data: dict[str, str]
) -> None:
    http = HttpClient()
    if url == "/account/":
        http.force_login(alice)

    response = http.post(url, data)

    assert response.status_code == 200
    assert 'class="error' in response.content.decode()
    assert smtp_inbox.messages == []
    assert Practitioner.objects.get(pk=alice.pk).name == "Alice Moreno"


@pytest.mark.parametrize(
    ("zone", "when"),
    [
        ("Pacific/Kiritimati", "0001-01-01T00:00"),  # UTC+14: before the year 1 in UTC
        ("Pacific/Pago_Pago", "9999-12-31T23:59"),  # UTC-11: after the year 9999 in UTC
        ("UTC", "0001-01-01T00:00"),
        ("UTC", "9999-12-31T23:59"),
    ],
)
def test_a_session_date_at_the_edge_of_the_calendar_is_refused_calmly(
    as_alice: HttpClient, alice: Practitioner, carmen: Client, zone: str, when: str
) -> None:
    alice.timezone = zone
    alice.save()

    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {"starts_at": when, "modality": "bodywork", "intensity": "gentle"},
    )

    assert response.status_code == 200
    assert re.search(r'id="id_starts_at_error">[^<]+', response.content.decode())
    assert Session.objects.count() == 0


def test_a_sensible_session_date_still_works(as_alice: HttpClient, carmen: Client) -> None:
    when = (dt.date.today() - dt.timedelta(days=400)).isoformat() + "T10:00"

    response = as_alice.post(
        f"/sessions/new/{carmen.pk}/",
        {"starts_at": when, "modality": "bodywork", "intensity": "gentle"},
    )

    assert response.status_code == 302
