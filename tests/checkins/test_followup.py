"""Every logged session gets a follow-up rhythm, in the client's zone, out of their quiet hours."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from tend.care.models import AftercarePlan, Session
from tend.checkins import followup as followup_module
from tend.checkins import services
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
# Tuesday 12 May 2026, 19:30 in Madrid. Alice works in UTC, so she types UTC times.
NOW = dt.datetime(2026, 5, 12, 17, 30, tzinfo=dt.UTC)
SESSION_AT = "2026-05-12T17:00"  # 19:00 in Madrid


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def madrid(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MADRID)


def session_form(**changes: str | None) -> dict[str, str]:
    form: dict[str, str | None] = {
        "starts_at": SESSION_AT,
        "modality": "bodywork",
        "intensity": "intense",
        "client_note": "Rest tonight.",
        "private_note": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def log(http: HttpClient, client: Client, **changes: str | None) -> Session:
    response = http.post(f"/sessions/new/{client.pk}/", session_form(**changes))
    assert response.status_code == 302, error_text(text(response))
    return Session.objects.filter(client=client).order_by("-created_at", "-pk").first()  # type: ignore[return-value]


def due(session: Session) -> list[dt.datetime]:
    """When the session's check-ins that are still to go out will go, in Madrid."""
    rows = CheckIn.objects.filter(session=session, state=State.SCHEDULED).order_by("due_at")
    return [c.due_at.astimezone(MADRID) for c in rows if c.due_at]


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(page: str) -> str:
    """The page as a person reads it: words only, no markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def error_text(page: str) -> str:
    return " ".join(re.findall(r'<p class="error"[^>]*>([^<]*)</p>', page))


def followups(page: str) -> list[list[str]]:
    """Each session's follow-up lines on the client page, as a person reads them."""
    lists = re.findall(r'<ul class="followups">(.*?)</ul>', page, re.S)
    return [[visible(li) for li in re.findall(r"<li>(.*?)</li>", part, re.S)] for part in lists]


class FormValues(HTMLParser):
    """What a browser would send back from the page's form, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value", "")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = ""
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += (
                data.lstrip("\n") if not self.values[self.textarea] else data
            )


def edit_form(http: HttpClient, session: Session) -> dict[str, str]:
    parser = FormValues()
    parser.feed(http.get(f"/sessions/{session.pk}/edit/").content.decode())
    return parser.values


# The rhythm


def test_an_intense_session_is_followed_up_five_times_in_the_clients_zone(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="intense")

    assert session.plan_hours == [3, 24, 48, 96, 168]
    assert due(session) == [
        madrid(5, 13, 8),  # +3h is 22:00, inside quiet hours: moved to when they end
        madrid(5, 13, 19),  # +1d, at the session's own wall-clock time
        madrid(5, 14, 19),
        madrid(5, 16, 19),
        madrid(5, 19, 19),
    ]
    rows = CheckIn.objects.filter(session=session).order_by("sequence")
    assert [c.sequence for c in rows] == [1, 2, 3, 4, 5]
    assert {(c.client_id, c.practice_id) for c in rows} == {(dana.pk, dana.practice_id)}
    assert all(c.answered_at is None and c.quick_answer == "" for c in rows)


def test_no_check_in_is_ever_due_in_quiet_hours(as_alice: HttpClient, dana: Client) -> None:
    dana.quiet_start, dana.quiet_end = dt.time(18, 0), dt.time(10, 0)
    dana.save()

    session = log(as_alice, dana, intensity="intense", plan="3h, 1d, 2d, 4d, 7d")

    times = due(session)
    assert [t.time() for t in times] == [dt.time(10, 0)] * 5
    assert [t.day for t in times] == [13, 14, 15, 17, 20]


def test_a_gentle_session_is_followed_up_the_next_day_and_a_week_later(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="gentle")

    assert due(session) == [madrid(5, 13, 19), madrid(5, 19, 19)]


def test_a_moderate_session_sits_between_the_two(as_alice: HttpClient, dana: Client) -> None:
    session = log(as_alice, dana, intensity="moderate", starts_at="2026-05-12T08:00")

    # 10:00 in Madrid: +6h, +1d, +3d, +7d; nothing earlier than now (19:30) is lost.
    assert due(session) == [
        madrid(5, 12, 19, 30),  # +6h was 16:00, a while ago: it goes now
        madrid(5, 13, 10),
        madrid(5, 15, 10),
        madrid(5, 19, 10),
    ]


def test_a_practices_own_plan_replaces_tends(
    as_alice: HttpClient, alice: Practitioner, bob: Practitioner, dana: Client
) -> None:
    AftercarePlan.objects.create(practice=alice.practice, intensity="intense", hours=[2, 72])
    AftercarePlan.objects.create(practice=bob.practice, intensity="gentle", hours=[4])

    intense = log(as_alice, dana, intensity="intense")
    gentle = log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T17:10")

    assert intense.plan_hours == [2, 72]
    assert gentle.plan_hours == [24, 168]  # another practice's plan means nothing here
    assert due(gentle) == [madrid(5, 13, 19, 10), madrid(5, 19, 19, 10)]


def test_a_plan_for_one_modality_beats_the_plan_for_any(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    AftercarePlan.objects.create(practice=alice.practice, intensity="intense", hours=[6, 72])
    AftercarePlan.objects.create(
        practice=alice.practice, intensity="intense", modality="breathwork", hours=[1, 24]
    )

    breathwork = log(as_alice, dana, intensity="intense", modality="breathwork")
    bodywork = log(as_alice, dana, intensity="intense", modality="bodywork")

    assert breathwork.plan_hours == [1, 24]
    assert bodywork.plan_hours == [6, 72]
    assert due(bodywork) == [madrid(5, 13, 8), madrid(5, 15, 19)]


def test_a_plan_written_on_the_session_form_wins(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    AftercarePlan.objects.create(practice=alice.practice, intensity="intense", hours=[6, 72])

    session = log(as_alice, dana, intensity="intense", plan=" 3h,  2d ")

    assert session.plan_hours == [3, 48]
    assert due(session) == [madrid(5, 13, 8), madrid(5, 14, 19)]
    form = text(as_alice.get(f"/sessions/{session.pk}/edit/"))
    assert 'value="3h, 2d"' in form


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("soon", "“soon” isn't a time we understand. Write hours or days, like 3h, 1d, 7d."),
        ("0h", "Check-ins can be from 1 hour to 60 days after the session."),
        ("99d", "Check-ins can be from 1 hour to 60 days after the session."),
        (", ".join(f"{n}d" for n in range(1, 14)), "A plan can have at most 12 check-ins."),
        ("1d, 24h", "Two check-ins are at the same time; please remove one."),
        ("3h, 3h", "Two check-ins are at the same time; please remove one."),
        ("2 weeks", "“2 weeks” isn't a time we understand."),
    ],
    ids=["words", "zero", "too-far", "thirteen", "same-time", "duplicate", "weeks"],
)
def test_a_plan_we_cant_use_is_explained_and_nothing_is_saved(
    as_alice: HttpClient, dana: Client, plan: str, message: str
) -> None:
    response = as_alice.post(f"/sessions/new/{dana.pk}/", session_form(plan=plan))

    page = text(response)
    assert response.status_code == 200
    assert message in error_text(page)
    assert f'value="{plan}"' in page  # what was typed is kept to fix
    assert "Rest tonight." in page
    assert Session.objects.count() == 0
    assert CheckIn.objects.count() == 0


def test_twelve_check_ins_and_sixty_days_are_allowed(as_alice: HttpClient, dana: Client) -> None:
    plan = ", ".join(f"{n}d" for n in range(1, 12)) + ", 60d"

    session = log(as_alice, dana, plan=plan)

    assert CheckIn.objects.filter(session=session).count() == 12
    assert due(session)[-1] == madrid(7, 11, 19)


# Preview


def test_preview_shows_the_exact_times_in_the_clients_zone_and_saves_nothing(
    as_alice: HttpClient, dana: Client
) -> None:
    response = as_alice.post(
        f"/sessions/new/{dana.pk}/", {**session_form(intensity="intense"), "preview": "1"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "When Dana Fox will hear from Tend" in visible(page)
    assert "In their time zone (Madrid time), outside their quiet hours." in visible(page)
    shown = re.findall(r"<li><time[^>]*>([^<]+)</time></li>", page)
    assert shown == [
        "Wed 13 May, 08:00 (Madrid time)",
        "Wed 13 May, 19:00 (Madrid time)",
        "Thu 14 May, 19:00 (Madrid time)",
        "Sat 16 May, 19:00 (Madrid time)",
        "Tue 19 May, 19:00 (Madrid time)",
    ]
    assert "Plan: 3h, 1d, 2d, 4d, 7d." in visible(page)  # the plan those times come from
    assert "Rest tonight." in page  # the rest of the form is kept
    assert Session.objects.count() == 0
    assert CheckIn.objects.count() == 0


def test_after_a_preview_the_plan_still_follows_the_intensity(
    as_alice: HttpClient, dana: Client
) -> None:
    """The preview leaves the plan field as it was: empty means the intensity's plan."""
    response = as_alice.post(
        f"/sessions/new/{dana.pk}/", {**session_form(intensity="intense"), "preview": "1"}
    )
    parser = FormValues()
    parser.feed(response.content.decode())
    form = parser.values
    assert form["plan"] == ""
    assert form["client_note"] == "Rest tonight."

    # She sees five check-ins is a lot, and makes it a gentle session instead.
    session = log(as_alice, dana, **{**form, "intensity": "gentle"})

    assert session.intensity == "gentle"
    assert due(session) == [madrid(5, 13, 19), madrid(5, 19, 19)]


def test_preview_of_a_written_plan_then_logging_it(as_alice: HttpClient, dana: Client) -> None:
    form = session_form(plan="1h, 2d")
    response = as_alice.post(f"/sessions/new/{dana.pk}/", {**form, "preview": "1"})

    shown = re.findall(r"<li><time[^>]*>([^<]+)</time></li>", text(response))
    assert shown == ["Tue 12 May, 20:00 (Madrid time)", "Thu 14 May, 19:00 (Madrid time)"]
    assert Session.objects.count() == 0

    session = log(as_alice, dana, plan="1h, 2d")
    assert due(session) == [madrid(5, 12, 20), madrid(5, 14, 19)]


def test_preview_with_a_bad_plan_explains_and_shows_no_times(
    as_alice: HttpClient, dana: Client
) -> None:
    response = as_alice.post(
        f"/sessions/new/{dana.pk}/", {**session_form(plan="tomorrow"), "preview": "1"}
    )

    page = text(response)
    assert "“tomorrow” isn't a time we understand." in error_text(page)
    assert "will hear from Tend" not in page
    assert Session.objects.count() == 0


# A new session, an edited one, a deleted one


def test_a_new_session_replaces_what_is_left_of_the_last_plan(
    as_alice: HttpClient, dana: Client, frozen_time: Any
) -> None:
    first = log(as_alice, dana, intensity="intense")
    one, two, *_ = CheckIn.objects.filter(session=first).order_by("sequence")
    CheckIn.objects.filter(pk__in=[one.pk, two.pk]).update(state=State.SENT)
    assert services.checkin_quick_answer(checkin_id=one.pk, answer=QuickAnswer.SETTLED)

    frozen_time.move_to(dt.datetime(2026, 5, 14, 9, 0, tzinfo=dt.UTC))
    second = log(as_alice, dana, intensity="gentle", starts_at="2026-05-14T08:00")

    states = {
        c.sequence: (c.state, c.cancel_reason)
        for c in CheckIn.objects.filter(session=first).order_by("sequence")
    }
    assert states == {
        1: (State.ANSWERED, ""),  # answered: kept, with its answer
        2: (State.SENT, ""),  # already with the client: they can still answer it
        3: (State.CANCELLED, "superseded"),
        4: (State.CANCELLED, "superseded"),
        5: (State.CANCELLED, "superseded"),
    }
    assert CheckIn.objects.get(pk=one.pk).quick_answer == QuickAnswer.SETTLED
    assert due(second) == [madrid(5, 15, 10), madrid(5, 21, 10)]
    assert CheckIn.objects.filter(client=dana, state=State.SCHEDULED).count() == 2


def test_another_clients_follow_up_is_left_alone(
    as_alice: HttpClient, alice: Practitioner, dana: Client, carmen: Client
) -> None:
    carmens = log(as_alice, carmen, intensity="intense")

    log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T17:20")

    assert CheckIn.objects.filter(session=carmens, state=State.SCHEDULED).count() == 5


def test_editing_an_older_session_leaves_the_newer_sessions_follow_up_alone(
    as_alice: HttpClient, dana: Client
) -> None:
    older = factories.SessionFactory(
        client=dana, starts_at=NOW - dt.timedelta(days=30), intensity="gentle", plan_hours=[24]
    )
    newer = log(as_alice, dana, intensity="intense")
    before = due(newer)

    form = edit_form(as_alice, older)
    response = as_alice.post(
        f"/sessions/{older.pk}/edit/", {**form, "starts_at": "2026-04-12T11:00"}
    )

    assert response.status_code == 302
    assert Session.objects.get(pk=older.pk).starts_at.hour == 11
    assert due(newer) == before
    assert not CheckIn.objects.filter(session=newer, state=State.CANCELLED).exists()


def test_logging_an_older_session_late_leaves_the_newer_follow_up_alone(
    as_alice: HttpClient, dana: Client
) -> None:
    newer = log(as_alice, dana, intensity="intense")
    before = due(newer)

    older = log(as_alice, dana, intensity="gentle", starts_at="2026-05-10T10:00")

    assert due(newer) == before
    # Its own +7d would fall inside the newer session's plan, which has taken over.
    assert due(older) == []


def test_moving_a_session_moves_its_check_ins_that_have_not_gone_out(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T15:00")
    first = CheckIn.objects.get(session=session, sequence=1)
    CheckIn.objects.filter(pk=first.pk).update(state=State.SENT)
    sent_due = first.due_at

    form = edit_form(as_alice, session)
    assert form["starts_at"] == "2026-05-12T15:00"
    response = as_alice.post(
        f"/sessions/{session.pk}/edit/", {**form, "starts_at": "2026-05-12T16:00"}
    )

    assert response.status_code == 302
    sent = CheckIn.objects.get(pk=first.pk)
    assert (sent.state, sent.due_at) == (State.SENT, sent_due)  # already with the client
    assert due(session) == [madrid(5, 19, 18)]  # was 17:00
    assert CheckIn.objects.filter(session=session).count() == 2


def test_editing_only_the_notes_leaves_the_check_ins_as_they_are(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="intense")
    ids = set(CheckIn.objects.filter(session=session).values_list("pk", flat=True))

    form = edit_form(as_alice, session)
    form["client_note"] = "Rest, and call me if it gets a lot."
    assert as_alice.post(f"/sessions/{session.pk}/edit/", form).status_code == 302

    assert Session.objects.get(pk=session.pk).client_note == "Rest, and call me if it gets a lot."
    assert set(CheckIn.objects.filter(session=session).values_list("pk", flat=True)) == ids


def test_a_custom_plan_is_kept_when_the_session_is_edited(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="intense", plan="3h, 2d")

    form = edit_form(as_alice, session)
    assert form["plan"] == "3h, 2d"
    as_alice.post(f"/sessions/{session.pk}/edit/", {**form, "starts_at": "2026-05-12T16:00"})

    assert Session.objects.get(pk=session.pk).plan_hours == [3, 48]
    assert due(session) == [madrid(5, 13, 8), madrid(5, 14, 18)]


def test_changing_a_sessions_intensity_changes_its_rhythm(
    as_alice: HttpClient, dana: Client
) -> None:
    """The edit form comes back filled in; saving it as it is must not pin the old rhythm."""
    session = log(as_alice, dana, intensity="gentle")

    form = edit_form(as_alice, session)
    as_alice.post(f"/sessions/{session.pk}/edit/", {**form, "intensity": "intense"})

    session.refresh_from_db()
    assert session.plan_hours == [3, 24, 48, 96, 168]
    assert len(due(session)) == 5


def test_deleting_a_session_removes_its_check_ins_still_to_go_out(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="intense")
    first = CheckIn.objects.get(session=session, sequence=1)
    CheckIn.objects.filter(pk=first.pk).update(state=State.SENT)
    services.checkin_quick_answer(checkin_id=first.pk, answer=QuickAnswer.TENDER)

    response = as_alice.post(f"/sessions/{session.pk}/delete/")

    assert response.status_code == 302
    assert list(CheckIn.objects.values_list("pk", "state")) == [(first.pk, State.ANSWERED)]
    assert CheckIn.objects.get().session is None  # what the client said stays


def test_deleting_a_session_logged_by_mistake_brings_back_the_plan_it_had_replaced(
    as_alice: HttpClient, dana: Client, frozen_time: Any
) -> None:
    first = log(as_alice, dana, intensity="intense")
    planned = due(first)
    frozen_time.move_to(dt.datetime(2026, 5, 13, 9, 0, tzinfo=dt.UTC))
    mistake = log(as_alice, dana, intensity="gentle", starts_at="2026-05-13T08:00")
    assert len(due(first)) < len(planned)

    response = as_alice.post(f"/sessions/{mistake.pk}/delete/")

    assert response.status_code == 302
    assert due(first) == planned  # the same times as before: all still to come
    assert not CheckIn.objects.filter(session=first, cancel_reason="superseded").exists()
    assert CheckIn.objects.filter(client=dana, state=State.SCHEDULED).count() == len(due(first))


def test_deleting_a_middle_session_brings_back_only_what_no_other_session_replaces(
    as_alice: HttpClient, dana: Client, frozen_time: Any
) -> None:
    first = log(as_alice, dana, intensity="intense")  # 12 May, check-ins up to 19 May
    middle = log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T17:10")
    last = factories.SessionFactory(
        client=dana, starts_at=dt.datetime(2026, 5, 15, 8, 0, tzinfo=dt.UTC), plan_hours=[24]
    )
    followup_module.supersede_before(last)
    assert due(first) == []

    response = as_alice.post(f"/sessions/{middle.pk}/delete/")

    assert response.status_code == 302
    # Back: what falls before the last session. Still replaced: what falls after it.
    back = due(first)
    assert back and all(d < last.starts_at for d in back)
    after = CheckIn.objects.filter(session=first, due_at__gte=last.starts_at)
    assert after.exists()
    assert set(after.values_list("state", "cancel_reason")) == {(State.CANCELLED, "superseded")}


def test_a_replaced_check_in_whose_time_is_long_past_stays_cancelled(
    as_alice: HttpClient, dana: Client, frozen_time: Any
) -> None:
    first = log(as_alice, dana, intensity="intense")
    mistake = log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T17:10")
    frozen_time.move_to(dt.datetime(2026, 5, 30, 9, 0, tzinfo=dt.UTC))  # all of it is past

    as_alice.post(f"/sessions/{mistake.pk}/delete/")

    assert due(first) == []


# Quiet hours and time zones


def test_quiet_hours_the_client_sets_shape_the_check_ins_logged_afterwards(
    as_alice: HttpClient, dana: Client
) -> None:
    response = signed_in_as(dana).post(
        "/c/preferences/",
        {
            "language": "en",
            "timezone": "Europe/Madrid",
            "quiet_start": "12:00",
            "quiet_end": "20:30",
        },
    )
    assert response.status_code == 302

    session = log(as_alice, dana, intensity="gentle", starts_at="2026-05-12T12:00")  # 14:00

    assert due(session) == [madrid(5, 13, 20, 30), madrid(5, 19, 20, 30)]


def test_quiet_hours_the_client_sets_later_move_check_ins_already_planned(
    as_alice: HttpClient, dana: Client
) -> None:
    """The settings page promises: "Quiet hours are the times when Tend won't send you anything"."""
    session = log(as_alice, dana, intensity="gentle")
    assert due(session) == [madrid(5, 13, 19), madrid(5, 19, 19)]

    signed_in_as(dana).post(
        "/c/preferences/",
        {
            "language": "en",
            "timezone": "Europe/Madrid",
            "quiet_start": "18:00",
            "quiet_end": "08:00",
        },
    )

    assert due(session) == [madrid(5, 14, 8), madrid(5, 20, 8)]
    for checkin in CheckIn.objects.filter(session=session):
        assert checkin.closes_at == checkin.due_at + dt.timedelta(hours=48)


def test_a_client_in_another_zone_hears_at_their_own_wall_clock_time(
    as_alice: HttpClient, alice: Practitioner
) -> None:
    tokyo = factories.ClientFactory(practitioner=alice, timezone="Asia/Tokyo")

    session = log(as_alice, tokyo, intensity="gentle", starts_at="2026-05-12T01:00")  # 10:00

    zone = ZoneInfo("Asia/Tokyo")
    rows = CheckIn.objects.filter(session=session).order_by("due_at")
    assert [c.due_at.astimezone(zone).strftime("%d %H:%M") for c in rows] == [
        "13 10:00",
        "19 10:00",
    ]


def test_a_day_later_means_the_same_wall_clock_time_across_the_clock_change(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    alice.timezone = "Europe/Madrid"
    alice.save()

    with time_machine.travel(dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.UTC), tick=False):
        form = session_form(starts_at="2026-03-28T10:00", plan="3h, 1d, 2d")
        preview = as_alice.post(f"/sessions/new/{dana.pk}/", {**form, "preview": "1"})
        session = log(as_alice, dana, starts_at="2026-03-28T10:00", plan="3h, 1d, 2d")

    assert session.starts_at == dt.datetime(2026, 3, 28, 9, 0, tzinfo=dt.UTC)  # CET, UTC+1
    assert due(session) == [
        dt.datetime(2026, 3, 28, 13, 0, tzinfo=MADRID),
        dt.datetime(2026, 3, 29, 10, 0, tzinfo=MADRID),  # CEST: only 23 hours later
        dt.datetime(2026, 3, 30, 10, 0, tzinfo=MADRID),
    ]
    second = CheckIn.objects.get(session=session, sequence=2)
    assert second.due_at == dt.datetime(2026, 3, 29, 8, 0, tzinfo=dt.UTC)
    shown = re.findall(r"<li><time[^>]*>([^<]+)</time></li>", text(preview))
    assert shown == [
        "Sat 28 Mar, 13:00 (Madrid time)",
        "Sun 29 Mar, 10:00 (Madrid time)",  # the same clock time across the change
        "Mon 30 Mar, 10:00 (Madrid time)",
    ]
    # A check-in's window is real hours too, even when the clocks change inside it.
    window = dt.timedelta(hours=settings.CHECKIN_WINDOW_HOURS)
    for checkin in CheckIn.objects.filter(session=session):
        assert checkin.closes_at is not None and checkin.due_at is not None
        assert checkin.closes_at - checkin.due_at == window


def test_a_day_later_is_the_clients_wall_clock_whatever_zone_the_practitioner_is_in(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    alice.timezone = "America/New_York"  # already on summer time by 28 March
    alice.save()

    with time_machine.travel(dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.UTC), tick=False):
        session = log(as_alice, dana, starts_at="2026-03-28T05:00", plan="1d, 7d")

    assert session.starts_at.astimezone(MADRID) == dt.datetime(2026, 3, 28, 10, 0, tzinfo=MADRID)
    assert due(session) == [
        dt.datetime(2026, 3, 29, 10, 0, tzinfo=MADRID),
        dt.datetime(2026, 4, 4, 10, 0, tzinfo=MADRID),
    ]


def test_hours_after_a_session_are_real_hours_across_the_clock_change(
    as_alice: HttpClient, alice: Practitioner, dana: Client
) -> None:
    alice.timezone = "Europe/Madrid"
    alice.save()
    dana.quiet_start = dana.quiet_end = dt.time(0, 0)  # no quiet hours, to see the sum alone
    dana.save()

    with time_machine.travel(dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC), tick=False):
        session = log(as_alice, dana, starts_at="2026-03-29T00:30", plan="3h")

    [checkin] = CheckIn.objects.filter(session=session)
    assert checkin.due_at - session.starts_at == dt.timedelta(hours=3)
    assert checkin.due_at.astimezone(MADRID).time() == dt.time(4, 30)  # the clocks went forward


# What the practitioner sees


def send_what_is_due() -> None:
    """One worker's rounds, in this process, until nothing is left to do."""
    run_worker()


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def test_the_client_page_shows_each_sessions_follow_up_and_how_it_went(
    as_alice: HttpClient, dana: Client, frozen_time: Any, smtp_inbox: Inbox
) -> None:
    older = log(as_alice, dana, intensity="intense", starts_at="2026-05-12T12:00")
    one = CheckIn.objects.get(session=older, sequence=1)
    send_what_is_due()  # +3h, straight away
    assert services.checkin_quick_answer(checkin_id=one.pk, answer=QuickAnswer.STIRRED)
    frozen_time.move_to(at(5, 13, 12))
    send_what_is_due()  # +1d, never answered
    signed_in_as(dana).post("/c/followup/", {"action": "stop_emails"})
    frozen_time.move_to(at(5, 14, 12))
    send_what_is_due()  # +2d, waiting in the app instead
    assert len(smtp_inbox.to("dana@example.com")) == 2

    frozen_time.move_to(at(5, 15, 9))
    log(as_alice, dana, intensity="gentle", starts_at="2026-05-15T08:00")
    frozen_time.move_to(at(5, 15, 12))
    send_what_is_due()  # two days after +1d went out: missed

    page = text(as_alice.get(f"/clients/{dana.pk}/"))

    newer_lines, older_lines = followups(page)
    assert newer_lines == [
        "Sat 16 May, 10:00 (Madrid time) scheduled",
        "Fri 22 May, 10:00 (Madrid time) scheduled",
    ]
    assert older_lines == [
        "Tue 12 May, 19:30 (Madrid time) answered · “stirred up” · Open",
        "Wed 13 May, 14:00 (Madrid time) missed",
        "Thu 14 May, 14:00 (Madrid time) sent (in the app only: the client turned emails off)",
        "Sat 16 May, 14:00 (Madrid time) cancelled (a newer session took over)",
        "Tue 19 May, 14:00 (Madrid time) cancelled (a newer session took over)",
    ]
    assert f'href="/checkins/{one.pk}/"' in page


def test_the_client_page_says_when_a_follow_up_was_reminded(
    as_alice: HttpClient, dana: Client, frozen_time: Any, smtp_inbox: Inbox
) -> None:
    session = log(as_alice, dana, intensity="gentle")  # +1d: Wednesday 19:00 in Madrid
    first = CheckIn.objects.get(session=session, sequence=1)
    frozen_time.move_to(first.due_at)
    send_what_is_due()
    frozen_time.move_to(first.due_at + dt.timedelta(hours=20))  # Thursday 15:00 in Madrid
    send_what_is_due()
    assert len(smtp_inbox.to("dana@example.com")) == 2

    [lines] = followups(text(as_alice.get(f"/clients/{dana.pk}/")))
    assert lines[0] == "Wed 13 May, 19:00 (Madrid time) sent (reminded once)"

    assert services.checkin_quick_answer(checkin_id=first.pk, answer=QuickAnswer.SETTLED)

    [lines] = followups(text(as_alice.get(f"/clients/{dana.pk}/")))
    assert lines[0] == "Wed 13 May, 19:00 (Madrid time) answered · “settled” · Open"


def test_the_client_page_says_when_the_email_could_not_be_delivered(
    as_alice: HttpClient, dana: Client, frozen_time: Any, smtp_inbox: Inbox
) -> None:
    dana.email = "dána@example.com"  # no mail server would take it
    dana.save()
    session = log(as_alice, dana, intensity="gentle")
    first = CheckIn.objects.get(session=session, sequence=1)
    frozen_time.move_to(first.due_at)
    send_what_is_due()
    assert smtp_inbox.messages == []

    [lines] = followups(text(as_alice.get(f"/clients/{dana.pk}/")))
    assert lines == [
        "Wed 13 May, 19:00 (Madrid time) sent (the email could not be delivered)",
        "Tue 19 May, 19:00 (Madrid time) scheduled",
    ]


def test_quiet_hours_changed_by_the_practitioner_move_check_ins_too(
    as_alice: HttpClient, dana: Client
) -> None:
    session = log(as_alice, dana, intensity="gentle")

    response = as_alice.post(
        f"/clients/{dana.pk}/edit/",
        {
            "name": "Dana Fox",
            "email": "dana@example.com",
            "language": "en",
            "timezone": "Europe/Madrid",
            "quiet_start": "18:30",
            "quiet_end": "09:15",
        },
    )

    assert response.status_code == 302
    assert due(session) == [madrid(5, 14, 9, 15), madrid(5, 20, 9, 15)]


# Times, each with its zone


def test_the_preview_and_the_saved_schedule_show_the_same_times_each_with_its_zone(
    as_alice: HttpClient, dana: Client
) -> None:
    form = session_form(plan="1h, 2d")
    page = text(as_alice.post(f"/sessions/new/{dana.pk}/", {**form, "preview": "1"}))
    # Alice types in her own zone, and the form says which one that is.
    assert "In your time zone (UTC)." in visible(page)
    previewed = re.findall(r"<li><time[^>]*>([^<]+)</time></li>", page)

    log(as_alice, dana, plan="1h, 2d")
    client_page = text(as_alice.get(f"/clients/{dana.pk}/"))
    scheduled = re.findall(r'<li><time datetime="[^"]+">([^<]+)</time>', client_page)
    assert previewed == ["Tue 12 May, 20:00 (Madrid time)", "Thu 14 May, 19:00 (Madrid time)"]
    assert scheduled[:2] == previewed
    # The session itself is in Alice's zone, and says so.
    assert "Tue 12 May, 17:00 (UTC)" in visible(client_page)


def test_a_plan_whose_check_ins_all_fall_in_the_past_is_pointed_out(
    as_alice: HttpClient, dana: Client
) -> None:
    form = session_form(starts_at="2025-03-02T10:00", plan="1d, 2d")
    page = visible(text(as_alice.post(f"/sessions/new/{dana.pk}/", {**form, "preview": "1"})))
    assert "Every one of these check-ins is already in the past, so Tend would send none." in page
    assert "Mon 3 Mar 2025, 11:00 (Madrid time)" in page  # another year: the year shows

    response = as_alice.post(f"/sessions/new/{dana.pk}/", form, follow=True)
    assert "Every check-in of its plan falls in the past, so Tend will not send any." in visible(
        text(response)
    )
    assert "Tend will follow up." not in visible(text(response))


def test_a_plan_with_check_ins_still_ahead_gets_no_warning(
    as_alice: HttpClient, dana: Client
) -> None:
    page = visible(
        text(as_alice.post(f"/sessions/new/{dana.pk}/", {**session_form(), "preview": "1"}))
    )
    assert "already in the past" not in page
    response = as_alice.post(f"/sessions/new/{dana.pk}/", session_form(), follow=True)
    assert "Session logged. Tend will follow up." in visible(text(response))
