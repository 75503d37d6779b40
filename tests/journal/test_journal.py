"""The client's journal: private by default, shared and taken back at will, seen and
answered by the practitioner, and read by the safety screen without telling anyone about
a private entry."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.alerts.models import Alert
from tend.checkins.models import Reply
from tend.integration.models import Exercise
from tend.journal.models import Entry
from tests import factories
from tests.conftest import signed_in_as
from tests.smtp import Inbox
from tests.worker import rounds

pytestmark = pytest.mark.django_db

URGENT_EN = "I have the pills counted out and tonight I am going to take them all."


def visible(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def write(http: HttpClient, text: str, **extra: str) -> Any:
    return http.post("/c/journal/write/", {"text": text, **extra})


def practitioner_page(http: HttpClient, client: Any) -> str:
    return visible(http.get(f"/clients/{client.pk}/"))


@pytest.fixture
def as_dana(dana: Any) -> HttpClient:
    return signed_in_as(dana)


def test_an_entry_is_private_until_shared_and_gone_again_when_taken_back(
    as_dana: HttpClient, as_alice: HttpClient, dana: Any
) -> None:
    response = write(as_dana, "The drive home felt lighter than usual.")

    assert response.status_code == 302
    journal = visible(as_dana.get("/c/journal/"))
    assert "Saved. It's private: only you can read it." in journal
    assert "The drive home felt lighter than usual." in journal
    assert "lighter than usual" not in practitioner_page(as_alice, dana)

    entry = Entry.objects.get()
    as_dana.post(f"/c/journal/{entry.pk}/share/")
    assert "The drive home felt lighter than usual." in practitioner_page(as_alice, dana)
    assert "Shared with Alice Moreno" in visible(as_dana.get("/c/journal/"))

    as_dana.post(f"/c/journal/{entry.pk}/unshare/")
    assert "lighter than usual" not in practitioner_page(as_alice, dana)
    assert as_alice.post(f"/alerts/entry/{entry.pk}/seen/").status_code == 404
    assert "Taken back. It's private again" in visible(as_dana.get("/c/journal/"))


def test_a_shared_entry_is_seen_and_answered_and_the_client_sees_both(
    as_dana: HttpClient, as_alice: HttpClient, dana: Any, smtp_inbox: Inbox
) -> None:
    write(as_dana, "I noticed I paused before snapping at my brother.", share="on")
    entry = Entry.objects.get()
    assert entry.is_shared

    as_alice.post(f"/alerts/entry/{entry.pk}/seen/")
    journal = visible(as_dana.get("/c/journal/"))
    assert re.search(r"Seen by Alice Moreno, ", journal)

    response = as_alice.post(f"/alerts/entry/{entry.pk}/reply/", {"reply": "That pause matters."})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{dana.pk}/#entry-{entry.pk}"
    journal = visible(as_dana.get("/c/journal/"))
    assert "Alice Moreno wrote" in journal
    assert "That pause matters." in journal
    home = visible(as_dana.get("/c/"))
    assert "That pause matters." not in home  # under the entry, not among the letters
    assert Reply.objects.get().entry == entry
    rounds.run_worker()
    [email] = smtp_inbox.to("dana@example.com")
    assert "That pause matters." in smtp_inbox.text(email)


def test_an_empty_reply_is_refused_and_nothing_is_sent(
    as_dana: HttpClient, as_alice: HttpClient, smtp_inbox: Inbox
) -> None:
    write(as_dana, "Slept well.", share="on")
    entry = Entry.objects.get()
    response = as_alice.post(f"/alerts/entry/{entry.pk}/reply/", {"reply": "   "}, follow=True)
    assert "Write a few words to send." in visible(response)
    assert Reply.objects.count() == 0
    assert smtp_inbox.messages == []


def test_urgent_words_in_a_private_entry_show_crisis_lines_and_tell_nobody(
    as_dana: HttpClient, as_alice: HttpClient, dana: Any
) -> None:
    response = write(as_dana, URGENT_EN)

    page = visible(response)
    assert response.status_code == 200
    assert 'id="crisis-resources"' in response.content.decode()
    assert "This entry is private, so Alice Moreno has not been told." in page
    assert Alert.objects.count() == 0
    assert "pills counted" not in practitioner_page(as_alice, dana)


def test_sharing_an_urgent_entry_opens_an_urgent_alert_that_never_holds_the_words(
    as_dana: HttpClient, as_alice: HttpClient, dana: Any
) -> None:
    write(as_dana, URGENT_EN)
    entry = Entry.objects.get()
    assert entry.safety_level == "urgent"

    as_dana.post(f"/c/journal/{entry.pk}/share/")

    alert = Alert.objects.get()
    assert (alert.kind, alert.level, alert.client) == ("safety", "urgent", dana)
    assert alert.detail == {"screen": "urgent", "entry": entry.pk}
    queue = visible(as_alice.get("/"))
    assert "shared a journal entry with words that may mean danger" in queue


def test_sharing_while_writing_an_urgent_entry_says_the_practitioner_was_told(
    as_dana: HttpClient,
) -> None:
    page = visible(write(as_dana, URGENT_EN, share="on"))
    assert "we've let Alice Moreno know straight away" in page
    assert Alert.objects.filter(level="urgent").count() == 1


def test_a_calm_shared_entry_opens_no_alert(as_dana: HttpClient) -> None:
    write(as_dana, "Ate a proper breakfast and walked the dog.", share="on")
    assert Alert.objects.count() == 0


def test_writing_from_a_prompt_keeps_the_prompt_with_the_entry(as_dana: HttpClient) -> None:
    exercise = Exercise.objects.get(practice=None, key="what-stayed-with-me")
    prompt = exercise.words("en")["prompts"][0]
    page = visible(as_dana.get(f"/c/journal/?exercise={exercise.pk}&prompt=0"))
    assert prompt in page

    write(as_dana, "The part about my mother.", exercise=str(exercise.pk), prompt="0")

    entry = Entry.objects.get()
    assert (entry.kind, entry.prompt, entry.exercise) == ("prompt", prompt, exercise)


def test_a_ripple_is_a_quick_entry_of_its_own_kind(as_dana: HttpClient) -> None:
    as_dana.post("/c/journal/write/", {"ripple-text": "I let a call go to voicemail."})
    entry = Entry.objects.get()
    assert (entry.kind, entry.text, entry.is_shared) == (
        "ripple",
        "I let a call go to voicemail.",
        False,
    )
    assert "Ripple" in visible(as_dana.get("/c/journal/"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "There's nothing here yet. Write a word or two, or come back later."),
        ({"text": "x" * 20_001}, "That's longer than one entry can hold (20000 characters)."),
        ({"ripple-text": ""}, "There's nothing here yet. Even a few words are enough."),
    ],
)
def test_an_empty_or_too_long_entry_is_refused_with_a_reason_and_nothing_saved(
    as_dana: HttpClient, data: dict[str, str], message: str
) -> None:
    response = as_dana.post("/c/journal/write/", data)
    assert response.status_code == 400
    assert message in visible(response)
    assert Entry.objects.count() == 0


def test_a_made_up_prompt_is_ignored_not_stored(as_dana: HttpClient) -> None:
    write(as_dana, "Just writing.", exercise="999999", prompt="7")
    entry = Entry.objects.get()
    assert (entry.kind, entry.prompt, entry.exercise) == ("free", "", None)


def test_nobody_else_sees_or_touches_an_entry(
    as_dana: HttpClient, dana: Any, carmen: Any, bob: Any, as_bob: HttpClient, as_alice: HttpClient
) -> None:
    write(as_dana, "Only for Alice.", share="on")
    write(as_dana, "Only for me.")
    shared, private = Entry.objects.order_by("pk")
    as_carmen = signed_in_as(carmen)
    bobs_client = signed_in_as(factories.ClientFactory(practitioner=bob))

    for http in (as_carmen, bobs_client):
        assert "Only for" not in visible(http.get("/c/journal/"))
        for entry in (shared, private):
            assert http.post(f"/c/journal/{entry.pk}/unshare/").status_code == 404
            assert http.post(f"/c/journal/{entry.pk}/share/").status_code == 404
    for entry in (shared, private):
        assert as_bob.post(f"/alerts/entry/{entry.pk}/seen/").status_code == 404
        assert as_bob.post(f"/alerts/entry/{entry.pk}/reply/", {"reply": "Hi"}).status_code == 404
    assert as_bob.get(f"/clients/{dana.pk}/").status_code == 404
    assert as_alice.post(f"/alerts/entry/{private.pk}/seen/").status_code == 404
    page = practitioner_page(as_alice, dana)
    assert "Only for Alice." in page
    assert "Only for me." not in page
    assert Entry.objects.filter(seen_at__isnull=False).count() == 0
    assert Reply.objects.count() == 0
    assert Entry.objects.get(pk=shared.pk).is_shared
    assert not Entry.objects.get(pk=private.pk).is_shared
