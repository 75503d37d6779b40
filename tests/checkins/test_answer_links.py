"""One-tap answer links that are tampered with, old, used or withdrawn: nothing changes, kindly."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client as HttpClient

from tend.alerts.models import Alert, Kind
from tend.care.models import Session
from tend.checkins import answer_links
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.clients.models import Client, SignInLink
from tests import factories
from tests.smtp import Inbox
from tests.worker.rounds import run_worker

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
SENT_AT = dt.datetime(2026, 5, 13, 8, 0, tzinfo=dt.UTC)  # a gentle session's +1d, 10:00 Madrid


@pytest.fixture
def clock(db: None) -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sent_checkin(http: HttpClient, client: Client, clock: Any) -> CheckIn:
    """Log a gentle session and let the worker send its first check-in."""
    response = http.post(
        f"/sessions/new/{client.pk}/",
        {"starts_at": "2026-05-12T08:00", "modality": "coaching", "intensity": "gentle"},
    )
    assert response.status_code == 302
    clock.move_to(SENT_AT)
    run_worker()
    checkin = CheckIn.objects.get(client=client, sequence=1)
    assert checkin.state == State.SENT
    return checkin


@pytest.fixture
def links(clock: Any, as_alice: HttpClient, dana: Client, smtp_inbox: Inbox) -> dict[str, str]:
    """The answer links in the check-in email Dana received, as paths."""
    sent_checkin(as_alice, dana, clock)
    run_worker()
    [message] = smtp_inbox.to("dana@example.com")
    urls = [u.removeprefix(settings.SITE_URL) for u in smtp_inbox.links(message)]
    return {**dict(zip(QuickAnswer.values, urls, strict=False)), "more": urls[len(QuickAnswer)]}


@pytest.fixture
def checkin(links: dict[str, str], dana: Client) -> CheckIn:
    return CheckIn.objects.get(client=dana, sequence=1)


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def visible(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def answers() -> list[tuple[Any, ...]]:
    """Everything a link could change about any check-in."""
    return list(
        CheckIn.objects.order_by("pk").values_list(
            "pk",
            "state",
            "quick_answer",
            "answered_at",
            "details_added_at",
            "activation",
            "wants_contact",
            "emotions",
        )
    )


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def tap(http: HttpClient, path: str) -> Any:
    """A person's tap: the link opens a page whose form sends the answer (the browser
    submits it at once; without script, one button does)."""
    before = answers()
    opened = http.get(path)
    assert opened.status_code == 200
    assert answers() == before  # opening it records nothing
    page = text(opened)
    assert '<form method="post" id="tap">' in page  # no action: back to the same link
    assert "tend/tap.js" in page  # the page sends itself (tests in e2e/ run it)
    return http.post(path, {"csrfmiddlewaretoken": csrf_token(page)})


def tamper(path: str) -> str:
    """Change one character in the middle of the link's signature."""
    token = path.split("/")[2]
    value, signature = token.rsplit(":", 1)
    i = len(signature) // 2
    swapped = "B" if signature[i] != "B" else "C"
    return path.replace(token, f"{value}:{signature[:i]}{swapped}{signature[i + 1 :]}")


# Tampered


def test_a_tampered_link_records_nothing_and_says_so(
    links: dict[str, str], checkin: CheckIn
) -> None:
    before = answers()

    response = HttpClient().get(tamper(links[QuickAnswer.OVERWHELMED]))

    page = visible(text(response))
    assert response.status_code == 400
    assert "This link doesn't look right" in page
    assert "Part of it may have been changed or cut off, so nothing was recorded." in page
    assert "Get a sign-in link by email" in page
    assert answers() == before
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT


def test_a_tampered_link_records_nothing_when_sent_either(
    links: dict[str, str], checkin: CheckIn
) -> None:
    before = answers()

    response = HttpClient().post(tamper(links[QuickAnswer.OVERWHELMED]))

    assert response.status_code == 400
    assert "This link doesn't look right" in text(response)
    assert answers() == before


def test_a_tampered_fuller_form_link_saves_nothing(links: dict[str, str], checkin: CheckIn) -> None:
    before = answers()

    response = HttpClient().post(tamper(links["more"]) + "more/", {"activation": "9"})

    assert response.status_code == 400
    assert "This link doesn't look right" in text(response)
    assert answers() == before


def test_a_link_pointing_at_another_check_in_is_refused(
    links: dict[str, str], checkin: CheckIn, carmen: Client
) -> None:
    """Editing the id inside a genuine link breaks its signature."""
    other = factories.CheckInFactory(client=carmen, state=State.SENT, answered_at=None)
    token = links[QuickAnswer.SETTLED].split("/")[2]
    value, rest = token.split(":", 1)
    payload = signing.b64_decode(value.encode()).decode()
    forged = signing.b64_encode(payload.replace(str(checkin.pk), str(other.pk)).encode()).decode()
    assert forged != value
    before = answers()

    response = HttpClient().get(f"/a/{forged}:{rest}/")

    assert response.status_code == 400
    assert answers() == before


# Expired


def test_an_old_link_records_nothing_and_offers_a_fresh_way_in(
    links: dict[str, str], checkin: CheckIn, clock: Any, smtp_inbox: Inbox
) -> None:
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS, seconds=1))
    before = answers()
    phone = HttpClient()

    response = phone.get(links[QuickAnswer.SETTLED])

    page = text(response)
    assert response.status_code == 410
    assert "This check-in has closed" in page
    assert "Its link only worked for a few days, so nothing was recorded." in page
    assert "You can still tell us how you are, whenever you like." in page
    assert answers() == before
    button = re.search(r'<form method="post" action="([^"]+)">', page)
    assert button is not None
    assert "Email me a link to my space" in page

    sent = phone.post(button.group(1))

    assert sent.status_code == 200
    assert SignInLink.objects.filter(client=checkin.client).count() == 1
    assert answers() == before
    run_worker()
    [signin] = smtp_inbox.to("dana@example.com")[1:]  # after the check-in itself
    assert "Hello Dana Fox," in smtp_inbox.text(signin)
    [url] = [u for u in smtp_inbox.links(signin) if "/c/signin/" in u]
    assert HttpClient().get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_a_link_on_its_last_day_still_works(
    links: dict[str, str], checkin: CheckIn, clock: Any
) -> None:
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS, seconds=-1))

    assert tap(HttpClient(), links[QuickAnswer.SETTLED]).status_code == 200
    assert CheckIn.objects.get(pk=checkin.pk).quick_answer == QuickAnswer.SETTLED


def test_an_old_tap_page_sent_after_the_link_expired_records_nothing(
    links: dict[str, str], checkin: CheckIn, clock: Any
) -> None:
    """The page was opened on the last day and its button pressed a minute too late."""
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS, seconds=-1))
    phone = HttpClient()
    assert phone.get(links[QuickAnswer.SETTLED]).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    before = answers()

    response = phone.post(links[QuickAnswer.SETTLED])

    assert response.status_code == 410
    assert "This check-in has closed" in text(response)
    assert answers() == before


def test_an_old_fuller_form_link_saves_nothing(
    links: dict[str, str], checkin: CheckIn, clock: Any
) -> None:
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS + 1))
    before = answers()

    response = HttpClient().post(links["more"] + "more/", {"activation": "4"})

    assert response.status_code == 410
    assert "This check-in has closed" in text(response)
    assert answers() == before


def test_an_old_link_speaks_the_clients_language(
    clock: Any, as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    checkin = sent_checkin(as_alice, carmen, clock)
    path = answer_links.answer_url(checkin.pk, QuickAnswer.SETTLED).removeprefix(settings.SITE_URL)
    clock.move_to(SENT_AT + dt.timedelta(days=settings.ANSWER_LINK_DAYS + 1))

    response = HttpClient().get(path)

    assert response.status_code == 410
    assert '<html lang="es">' in text(response)


def test_a_fresh_link_cannot_be_asked_for_with_a_tampered_link(
    links: dict[str, str], smtp_inbox: Inbox
) -> None:
    response = HttpClient().post(tamper(links[QuickAnswer.SETTLED]) + "link/")

    assert response.status_code == 400
    run_worker()
    assert len(smtp_inbox.messages) == 1  # just the check-in
    assert not SignInLink.objects.exists()


# Used


def test_the_same_tap_again_changes_nothing_and_says_so(
    links: dict[str, str], checkin: CheckIn, clock: Any
) -> None:
    phone = HttpClient()
    assert tap(phone, links[QuickAnswer.TENDER]).status_code == 200
    after_first = answers()
    clock.shift(dt.timedelta(minutes=5))

    # Opened again, or sent again from a page still open in another tab.
    for response in (phone.get(links[QuickAnswer.TENDER]), phone.post(links[QuickAnswer.TENDER])):
        page = visible(text(response))
        assert response.status_code == 409
        assert "We already have this answer" in page
        assert "You had already sent “tender”, so nothing has changed." in page

    assert answers() == after_first
    assert Alert.objects.count() == 0


def test_a_later_more_serious_tap_is_recorded_and_opens_an_alert(
    links: dict[str, str], checkin: CheckIn, clock: Any
) -> None:
    phone = HttpClient()
    assert tap(phone, links[QuickAnswer.TENDER]).status_code == 200
    assert not Alert.objects.exists()
    clock.shift(dt.timedelta(hours=2))

    response = tap(phone, links[QuickAnswer.OVERWHELMED])

    page = visible(text(response))
    assert response.status_code == 200
    assert "Thank you. We've received your new answer." in page
    assert "You now said: “overwhelmed”." in page
    checkin.refresh_from_db()
    assert checkin.quick_answer == QuickAnswer.OVERWHELMED
    assert checkin.activation == 9
    assert checkin.answered_at == SENT_AT  # the first answer's time is kept
    assert checkin.answered_again_at == SENT_AT + dt.timedelta(hours=2)
    assert [h["answer"] for h in checkin.quick_history] == ["tender", "overwhelmed"]
    alert = Alert.objects.get(client=checkin.client, kind=Kind.ACTIVATION)
    assert alert.opened_at == SENT_AT + dt.timedelta(hours=2)
    assert alert.checkin_id == checkin.pk


def test_please_reach_out_after_tender_asks_for_contact(
    links: dict[str, str], checkin: CheckIn, clock: Any, as_alice: HttpClient
) -> None:
    phone = HttpClient()
    tap(phone, links[QuickAnswer.TENDER])
    clock.shift(dt.timedelta(minutes=30))

    assert tap(phone, links[QuickAnswer.REACH_OUT]).status_code == 200

    assert Alert.objects.filter(client=checkin.client, kind=Kind.CONTACT).exists()
    # The practitioner reads both answers, in order.
    page = visible(text(as_alice.get(f"/checkins/{checkin.pk}/")))
    assert "“please reach out”" in page
    assert "earlier: “tender”" in page
    # Tapping the first answer again is a change too, and is kept.
    clock.shift(dt.timedelta(minutes=30))
    assert tap(phone, links[QuickAnswer.TENDER]).status_code == 200
    checkin.refresh_from_db()
    assert [h["answer"] for h in checkin.quick_history] == ["tender", "reach_out", "tender"]


def test_a_later_tap_after_the_fuller_form_is_recorded_without_offering_the_form_again(
    links: dict[str, str], checkin: CheckIn
) -> None:
    phone = HttpClient()
    tap(phone, links[QuickAnswer.SETTLED])
    more = links[QuickAnswer.SETTLED].rstrip("/") + "/more/"
    assert phone.post(more, {"activation": "3"}).status_code == 200

    response = tap(phone, links[QuickAnswer.REACH_OUT])

    page = visible(text(response))
    assert "We've received your new answer" in page
    assert "Would you like to say more?" not in page
    assert Alert.objects.filter(client=checkin.client, kind=Kind.CONTACT).exists()


def test_a_later_tap_is_confirmed_in_spanish_for_a_spanish_speaker(
    clock: Any, as_alice: HttpClient, carmen: Client, smtp_inbox: Inbox
) -> None:
    sent_checkin(as_alice, carmen, clock)
    [message] = smtp_inbox.to("carmen@example.com")
    urls = [u.removeprefix(settings.SITE_URL) for u in smtp_inbox.links(message)]
    by_answer = dict(zip(QuickAnswer.values, urls, strict=False))
    phone = HttpClient()
    tap(phone, by_answer[QuickAnswer.TENDER])

    page = visible(text(tap(phone, by_answer[QuickAnswer.REACH_OUT])))
    assert "Gracias. Hemos recibido tu nueva respuesta." in page

    again = phone.post(by_answer[QuickAnswer.REACH_OUT])
    assert again.status_code == 409
    assert "Ya tenemos esta respuesta" in visible(text(again))


# Opened, not tapped


def test_opening_a_link_records_nothing_as_a_mail_scanner_does(
    links: dict[str, str], checkin: CheckIn
) -> None:
    """Mail scanners open every link in a message; only a person sends the answer."""
    before = answers()
    scanner = HttpClient()

    for answer in QuickAnswer.values:
        opened = scanner.get(links[answer])

        assert opened.status_code == 200
        page = text(opened)
        assert '<form method="post" id="tap">' in page
        assert "Thank you. That's noted." not in page
    assert scanner.get(links["more"]).status_code == 200

    assert answers() == before
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT
    assert CheckIn.objects.get(pk=checkin.pk).answered_at is None

    # The person's tap after the scanner still counts.
    assert tap(HttpClient(), links[QuickAnswer.STIRRED]).status_code == 200
    assert CheckIn.objects.get(pk=checkin.pk).quick_answer == QuickAnswer.STIRRED


def test_the_opened_link_shows_what_will_be_sent_with_a_button_that_sends_it(
    links: dict[str, str], checkin: CheckIn
) -> None:
    phone = HttpClient()

    opened = phone.get(links[QuickAnswer.REACH_OUT])

    page = text(opened)
    assert "Sending “please reach out”…" in visible(page)
    button = re.search(
        r'<form method="post" id="tap">.*?<button type="submit"[^>]*>([^<]+)', page, re.S
    )
    assert button is not None
    assert button.group(1) == "Send “Please reach out”"
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT

    sent = phone.post(links[QuickAnswer.REACH_OUT], {"csrfmiddlewaretoken": csrf_token(page)})

    assert sent.status_code == 200
    assert "You said: “please reach out”. Alice Moreno will see it." in visible(text(sent))
    checkin.refresh_from_db()
    assert (checkin.state, checkin.quick_answer, checkin.wants_contact) == (
        State.ANSWERED,
        QuickAnswer.REACH_OUT,
        True,
    )
    assert checkin.answered_at is not None


def test_a_tap_works_in_a_browser_that_checks_the_csrf_token(
    links: dict[str, str], checkin: CheckIn
) -> None:
    """As a real browser sends it: the token from the page, the cookie from the same visit."""
    browser = HttpClient(enforce_csrf_checks=True)
    path = links[QuickAnswer.TENDER]

    opened = browser.get(path)

    assert opened.status_code == 200
    token = csrf_token(text(opened))
    assert browser.cookies[settings.CSRF_COOKIE_NAME].value  # set on the way in

    # Without the page's token the check bites, so this test can tell.
    refused = browser.post(path)
    assert refused.status_code == 403
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT

    sent = browser.post(path, {"csrfmiddlewaretoken": token})

    assert sent.status_code == 200
    assert "Thank you. That's noted." in text(sent)
    checkin.refresh_from_db()
    assert (checkin.state, checkin.quick_answer) == (State.ANSWERED, QuickAnswer.TENDER)
    # The fuller form it offers goes through the same check, with the same cookie.
    more = browser.post(
        path + "more/", {"csrfmiddlewaretoken": csrf_token(text(sent)), "activation": "5"}
    )
    assert more.status_code == 200
    assert CheckIn.objects.get(pk=checkin.pk).activation == 5


def test_the_fuller_form_works_once(links: dict[str, str], checkin: CheckIn) -> None:
    phone = HttpClient()
    opened = phone.get(links["more"])
    assert opened.status_code == 200
    assert "How are you right now?" in text(opened)
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT  # opening records nothing

    assert phone.post(links["more"] + "more/", {"activation": "3"}).status_code == 200
    after = answers()

    again = phone.post(links["more"] + "more/", {"activation": "9", "note": "Again?"})

    assert again.status_code == 409
    assert "You've already answered this one" in text(again)
    assert answers() == after
    assert phone.get(links["more"]).status_code == 409


# Withdrawn


def test_a_link_to_a_check_in_a_newer_session_replaced_says_it_is_no_longer_needed(
    clock: Any, as_alice: HttpClient, dana: Client
) -> None:
    as_alice.post(
        f"/sessions/new/{dana.pk}/",
        {"starts_at": "2026-05-12T08:00", "modality": "coaching", "intensity": "intense"},
    )
    later = CheckIn.objects.get(client=dana, sequence=3)
    # The email for it was on its way when the new session was logged.
    path = answer_links.answer_url(later.pk, QuickAnswer.SETTLED).removeprefix(settings.SITE_URL)
    as_alice.post(
        f"/sessions/new/{dana.pk}/",
        {"starts_at": "2026-05-12T09:00", "modality": "coaching", "intensity": "gentle"},
    )
    later.refresh_from_db()
    assert (later.state, later.cancel_reason) == (State.CANCELLED, "superseded")
    before = answers()

    response = HttpClient().get(path)

    page = visible(text(response))
    assert response.status_code == 410
    assert "This check-in is no longer needed" in page
    assert "A newer one has taken its place, so nothing was recorded." in page
    assert answers() == before
    assert HttpClient().post(path).status_code == 410
    assert answers() == before
    more = HttpClient().post(path + "more/", {"activation": "5"})
    assert more.status_code == 410
    assert answers() == before


def test_a_link_to_a_check_in_that_is_gone_records_nothing(clock: Any) -> None:
    path = answer_links.answer_url(987654, QuickAnswer.SETTLED).removeprefix(settings.SITE_URL)

    for response in (HttpClient().get(path), HttpClient().post(path)):
        assert response.status_code == 410
    assert not CheckIn.objects.exists()


# Junk


def junk_tokens(checkin_id: int) -> list[str]:
    salt = answer_links.SALT
    return [
        "x",
        "abc:def",
        "a" * 3000,
        "%00",
        "..",
        "🌱",
        signing.dumps([checkin_id, "settled"], salt="some.other.salt"),
        signing.dumps({"checkin": checkin_id}, salt=salt),
        signing.dumps([checkin_id], salt=salt),
        signing.dumps([checkin_id, "settled", "extra"], salt=salt),
        signing.dumps([checkin_id, "delete"], salt=salt),
        signing.dumps([str(checkin_id), "settled"], salt=salt),
        signing.dumps([None, "settled"], salt=salt),
        signing.dumps([10**30, "settled"], salt=salt),
        signing.dumps([-1, "settled"], salt=salt),
        signing.dumps("settled", salt=salt),
    ]


def test_junk_tokens_never_break_anything(checkin: CheckIn, smtp_inbox: Inbox) -> None:
    before = answers()
    http = HttpClient()

    for token in junk_tokens(checkin.pk):
        for method, suffix in (("get", ""), ("post", ""), ("post", "more/"), ("post", "link/")):
            path = f"/a/{token}/{suffix}"
            response = getattr(http, method)(path, {"activation": "5"})
            assert response.status_code in (400, 404, 410), (path, response.status_code)
            assert "Something went wrong" not in text(response)

    assert answers() == before
    run_worker()
    assert len(smtp_inbox.messages) == 1  # just the check-in
    assert CheckIn.objects.get(pk=checkin.pk).state == State.SENT


# The fuller form


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "Long day."}, "Please choose a number from 0 to 10, whatever fits."),
        ({"activation": "11", "note": "Long day."}, "Select a valid choice."),
        # Only a hand-made request can send this; the page can't mark a choice it never offered.
        ({"activation": "4", "emotions": ["ennui"], "note": "Long day."}, "needs an answer"),
        ({"activation": "4", "note": "Long day." + "a" * 4000}, "at most 4000 characters"),
    ],
    ids=["no-activation", "out-of-range", "unknown-feeling", "too-long"],
)
def test_the_fuller_form_with_bad_input_explains_and_saves_nothing(
    links: dict[str, str], checkin: CheckIn, data: dict[str, Any], message: str
) -> None:
    phone = HttpClient()
    before = answers()

    response = phone.post(links["more"] + "more/", data)

    page = text(response)
    assert response.status_code == 400
    assert "One thing still needs an answer. It's marked below." in page
    assert message in page
    assert "Long day." in page  # what they wrote is kept
    assert answers() == before
    assert CheckIn.objects.get(pk=checkin.pk).note == ""
    # And it still works once they fix it.
    assert phone.post(links["more"] + "more/", {"activation": "4"}).status_code == 200


def test_bad_input_after_a_tap_keeps_the_tap(links: dict[str, str], checkin: CheckIn) -> None:
    phone = HttpClient()
    tap(phone, links[QuickAnswer.STIRRED])
    assert CheckIn.objects.get(pk=checkin.pk).state == State.ANSWERED
    after_tap = answers()

    response = phone.post(links[QuickAnswer.STIRRED] + "more/", {"activation": "eleven"})

    assert response.status_code == 400
    assert answers() == after_tap
    assert CheckIn.objects.get(pk=checkin.pk).quick_answer == QuickAnswer.STIRRED


def test_the_fuller_form_is_posted_not_opened(links: dict[str, str]) -> None:
    assert HttpClient().get(links["more"] + "more/").status_code == 405


def test_no_session_is_changed_by_any_answer_link(links: dict[str, str], checkin: CheckIn) -> None:
    before = list(Session.objects.values())

    tap(HttpClient(), links[QuickAnswer.OVERWHELMED])
    HttpClient().post(links[QuickAnswer.OVERWHELMED] + "more/", {"activation": "9"})

    assert CheckIn.objects.get(pk=checkin.pk).activation == 9  # the links did their work
    assert list(Session.objects.values()) == before
