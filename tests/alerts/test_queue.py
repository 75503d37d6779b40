"""The "needs you now" queue: who is in it, why, in what order, and at what cost."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tend.alerts import queue, services
from tend.alerts.models import Alert, AlertEvent, AlertState, Kind, Level
from tend.care.models import Intensity
from tend.checkins import services as checkins
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db


def answer(client: Client, **data: object) -> CheckIn:
    fields = {"activation": 3, "wants_contact": "", "note": "", "need": "", **data}
    return checkins.checkin_answer(client=client, data=fields)


def queue_text(http: HttpClient) -> str:
    response = http.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode().split('id="main"')[1].split("</main>")[0]
    page = page.split("</div>", 1)[1] if 'class="messages"' in page else page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def names_in_order(http: HttpClient, everyone: bool = False) -> list[str]:
    page = http.get(reverse("home") + ("?all=1" if everyone else "")).content.decode()
    return re.findall(r'class="queue-name"><a href="[^"]+">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"wants_contact": "yes"}, "asked you to reach out"),
        ({"activation": 9}, "activation 9/10"),
        ({"note": "Quiero quitarme la vida esta noche"}, "wrote words that may mean danger"),
        ({"note": "I want to kill myself tonight"}, "wrote words that may mean danger"),
    ],
)
def test_each_signal_puts_the_client_in_the_queue_with_its_reason(
    as_alice: HttpClient, carmen: Client, data: dict[str, object], reason: str
) -> None:
    assert "Nobody needs you right now" in queue_text(as_alice)
    answer(carmen, **data)
    text = queue_text(as_alice)
    assert "Carmen López" in text
    assert reason in text


def test_far_above_usual_says_what_usual_is(as_alice: HttpClient, carmen: Client) -> None:
    for days in (3, 2, 1):
        factories.CheckInFactory(
            client=carmen, activation=2, answered_at=timezone.now() - dt.timedelta(days=days)
        )
    answer(carmen, activation=7)
    assert "activation 7/10, usually around 2" in queue_text(as_alice)


def test_basics_unmet_for_days(as_alice: HttpClient, carmen: Client) -> None:
    factories.CheckInFactory(
        client=carmen, slept="no", ate="no", answered_at=timezone.now() - dt.timedelta(days=1)
    )
    answer(carmen, slept="no", ate="no")
    assert "hasn't slept or eaten for 2 days" in queue_text(as_alice)


def test_silence_after_an_intense_session(as_alice: HttpClient, carmen: Client) -> None:
    started = timezone.now() - dt.timedelta(hours=50)
    session = factories.SessionFactory(
        client=carmen, starts_at=started, intensity=Intensity.INTENSE
    )
    factories.CheckInFactory(
        client=carmen,
        session=session,
        state=State.SENT,
        answered_at=None,
        activation=None,
        due_at=started + dt.timedelta(hours=3),
        sent_at=started + dt.timedelta(hours=3),
    )
    assert services.silent_after_intense() == 1
    assert services.silent_after_intense() == 0  # once per session, not every sweep
    assert "no answer for 2 days after an intense session" in queue_text(as_alice)


def test_silence_is_not_a_signal_when_they_answered_or_the_session_was_gentle(
    carmen: Client, dana: Client
) -> None:
    started = timezone.now() - dt.timedelta(hours=50)
    for client, intensity in ((carmen, Intensity.INTENSE), (dana, Intensity.GENTLE)):
        session = factories.SessionFactory(client=client, starts_at=started, intensity=intensity)
        factories.CheckInFactory(
            client=client,
            session=session,
            state=State.SENT,
            answered_at=None,
            activation=None,
            due_at=started,
            sent_at=started,
        )
    factories.CheckInFactory(client=carmen, answered_at=started + dt.timedelta(hours=30))
    assert services.silent_after_intense() == 0


def test_urgent_comes_first_then_the_longest_waiting(
    as_alice: HttpClient, alice: Practitioner, carmen: Client, dana: Client
) -> None:
    third = factories.ClientFactory(practitioner=alice, name="Eve Lane")
    answer(third, activation=8)
    answer(dana, activation=9)
    answer(carmen, note="Tengo las pastillas y voy a tomarlas todas esta noche")
    assert names_in_order(as_alice) == ["Carmen López", "Eve Lane", "Dana Fox"]


def test_repeated_signals_do_not_open_a_second_alert(carmen: Client) -> None:
    answer(carmen, activation=9)
    answer(carmen, activation=10)
    [alert] = Alert.objects.filter(client=carmen, kind=Kind.ACTIVATION)
    assert alert.detail["activation"] == 10
    assert [e.action for e in alert.events.all()][:1] == ["opened"]
    assert alert.events.filter(action="repeated").count() == 1


def test_acknowledged_clients_leave_the_queue_and_the_client_sees_it(
    as_alice: HttpClient, carmen: Client
) -> None:
    checkin = answer(carmen, wants_contact="yes")
    response = as_alice.post(reverse("alerts:acknowledge", args=[carmen.pk]), {"reply": ""})
    assert response.status_code == 302
    assert "Carmen López" not in queue_text(as_alice)
    checkin.refresh_from_db()
    assert checkin.seen_by is not None and checkin.seen_by.name == "Alice Moreno"
    assert Alert.objects.get(client=carmen).state == AlertState.ACKNOWLEDGED


def test_a_new_signal_after_acknowledging_opens_a_new_alert(
    as_alice: HttpClient, carmen: Client
) -> None:
    answer(carmen, activation=9)
    as_alice.post(reverse("alerts:acknowledge", args=[carmen.pk]))
    answer(carmen, activation=9)
    assert "Carmen López" in queue_text(as_alice)
    assert Alert.objects.filter(client=carmen).count() == 2


def test_another_practices_clients_never_appear(
    as_bob: HttpClient, as_alice: HttpClient, carmen: Client, bob: Practitioner
) -> None:
    answer(carmen, note="Quiero morirme, ya no aguanto más")
    assert Alert.objects.filter(client=carmen).exists()
    admin = Practitioner.objects.filter(pk=bob.pk)
    admin.update(role=Practitioner.Role.ADMIN)
    assert "Carmen" not in queue_text(as_bob)
    assert "Carmen" not in as_bob.get(reverse("home") + "?all=1").content.decode()
    response = as_bob.post(reverse("alerts:acknowledge", args=[carmen.pk]))
    assert response.status_code == 404
    assert Alert.objects.get(client=carmen).state == AlertState.OPEN


def test_a_colleagues_client_is_not_in_my_queue_unless_i_was_told(
    alice: Practitioner, carmen: Client
) -> None:
    colleague = factories.PractitionerFactory(practice=alice.practice, name="Gil Ortega")
    http = HttpClient()
    http.force_login(colleague)
    alert = services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})
    assert "Carmen" not in queue_text(http)
    Alert.objects.filter(pk=alert.pk).update(responsible=colleague)
    assert "Carmen" in queue_text(http)


def test_the_chart_has_a_text_alternative(as_alice: HttpClient, carmen: Client) -> None:
    factories.SessionFactory(client=carmen, starts_at=timezone.now() - dt.timedelta(days=2))
    factories.CheckInFactory(
        client=carmen, activation=3, answered_at=timezone.now() - dt.timedelta(days=1)
    )
    answer(carmen, activation=9)
    page = as_alice.get(reverse("home")).content.decode()
    assert 'role="img"' in page
    assert "out of 10: 3, 9." in page


def test_each_chart_starts_at_that_clients_last_session_or_a_month_ago(
    as_alice: HttpClient, carmen: Client, dana: Client
) -> None:
    now = timezone.now()
    factories.SessionFactory(client=carmen, starts_at=now - dt.timedelta(days=2))
    factories.SessionFactory(client=carmen, starts_at=now + dt.timedelta(days=5))  # not yet
    for client, days, activation in (
        (carmen, 3, 6),  # before her last session
        (carmen, 1, 3),
        (dana, 40, 1),  # more than a month ago
        (dana, 20, 4),
    ):
        factories.CheckInFactory(
            client=client, activation=activation, answered_at=now - dt.timedelta(days=days)
        )
    answer(carmen, activation=9)
    answer(dana, activation=8)
    text = queue_text(as_alice)
    day = timezone.localtime(now - dt.timedelta(days=2)).strftime("%-d %b")
    assert f"Activation since the session on {day}, out of 10: 3, 9." in text
    assert "Recent activation, out of 10: 4, 8." in text


def test_an_alert_i_was_told_of_is_in_my_queue(alice: Practitioner, carmen: Client) -> None:
    colleague = factories.PractitionerFactory(practice=alice.practice, name="Gil Ortega")
    http = HttpClient()
    http.force_login(colleague)
    alert = services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})
    assert "Carmen" not in queue_text(http)
    AlertEvent.objects.create(
        practice_id=alert.practice_id,
        alert=alert,
        action=AlertEvent.Action.NOTIFIED,
        practitioner=colleague,
    )
    text = queue_text(http)
    assert "Carmen" in text
    assert "Alice Moreno's client" in text


def test_the_queue_shows_the_alerts_one_can_acknowledge(
    alice: Practitioner, carmen: Client, dana: Client
) -> None:
    """The queue reads its rows in SQL of its own; visible() is what acknowledging uses."""
    colleague = factories.PractitionerFactory(practice=alice.practice, name="Gil Ortega")
    admin = factories.PractitionerFactory(
        practice=alice.practice, name="Ines Roca", role=Practitioner.Role.ADMIN
    )
    eve = factories.ClientFactory(practitioner=colleague, name="Eve Lane")
    told = services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})
    services.open_alert(dana, Kind.ACTIVATION, Level.URGENT, {"activation": 9})
    held = services.open_alert(eve, Kind.SAFETY, Level.URGENT, {})
    Alert.objects.filter(pk=held.pk).update(responsible=alice)
    AlertEvent.objects.create(
        practice_id=told.practice_id, alert=told, action="notified", practitioner=colleague
    )
    other = factories.ClientFactory(name="Someone Elsewhere")
    services.open_alert(other, Kind.CONTACT, Level.NORMAL, {})
    for person, everyone in ((alice, False), (colleague, False), (admin, False), (admin, True)):
        http = HttpClient()
        http.force_login(person)
        shown = set(names_in_order(http, everyone))
        expected = queue.visible(person, everyone=everyone).values_list("client__name", flat=True)
        assert shown == set(expected), (person.name, everyone)


def _fill(practitioner: Practitioner, clients: int) -> None:
    made = Client.objects.bulk_create(
        Client(
            practice_id=practitioner.practice_id,
            practitioner=practitioner,
            name=f"Client {i}",
            email=f"c{clients}-{i}@example.com",
        )
        for i in range(clients)
    )
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            practice_id=c.practice_id,
            client=c,
            answered_at=now - dt.timedelta(hours=h),
            activation=h % 11,
        )
        for c in made
        for h in (1, 5)
    )
    Alert.objects.bulk_create(
        Alert(practice_id=c.practice_id, client=c, kind=Kind.ACTIVATION, detail={"activation": 9})
        for c in made
    )


def test_the_queue_runs_the_same_number_of_queries_for_10_and_1000_clients(
    as_alice: HttpClient, alice: Practitioner
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_alice.get(reverse("home")).status_code == 200
        return len(queries)

    _fill(alice, 10)
    count()  # the session's first page also notes when she was last active
    ten = count()
    _fill(alice, 990)
    assert count() == ten


# What the card says when there is no chart: only what is true.


def test_no_answers_since_the_last_session_only_when_there_were_none(
    as_alice: HttpClient, carmen: Client
) -> None:
    factories.SessionFactory(client=carmen, starts_at=timezone.now() - dt.timedelta(days=2))
    services.open_alert(carmen, Kind.SILENCE, Level.NORMAL, {"hours": 40})
    assert "No answers since the last session" in queue_text(as_alice)

    # A fresh one-tap answer with no number to chart is still an answer.
    checkin = CheckIn.objects.create(practice=carmen.practice, client=carmen, state=State.SENT)
    checkins.checkin_quick_answer(checkin_id=checkin.pk, answer="reach_out")

    page = queue_text(as_alice)
    assert "No answers since the last session" not in page
    assert "Answered, with no number to chart" in page


def test_a_chart_replaces_the_line_when_answers_have_numbers(
    as_alice: HttpClient, carmen: Client
) -> None:
    factories.SessionFactory(client=carmen, starts_at=timezone.now() - dt.timedelta(days=2))
    answer(carmen, activation=9)

    page = queue_text(as_alice)

    assert "Activation since the session" in page
    assert "No answers" not in page
    assert "no number to chart" not in page


def test_without_a_recent_session_the_line_says_the_last_month(
    as_alice: HttpClient, carmen: Client
) -> None:
    services.open_alert(carmen, Kind.CONTACT, Level.NORMAL, {})

    page = queue_text(as_alice)

    assert "No answers in the last 30 days" in page
    assert "since the last session" not in page


def test_a_client_who_just_started_waiting_reads_just_now_not_zero_minutes(
    as_alice: Any, alice: Any
) -> None:
    from tend.alerts import services as alert_services
    from tend.alerts.models import Kind, Level

    client = factories.ClientFactory(practitioner=alice, name="Noor Haddad")
    alert_services.open_alert(client, Kind.CONTACT, Level.NORMAL, {})
    page = as_alice.get("/").content.decode()
    assert "waiting since just now" in page
    assert "0\xa0minutes" not in page and "0 minutes" not in page


def test_every_page_names_tends_own_plain_icon(as_alice: Any) -> None:
    from pathlib import Path

    from django.conf import settings

    page = as_alice.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/tend/favicon[^"]*\.svg(\?v=\w+)?"', page)
    icon = Path(settings.BASE_DIR) / "static" / "tend" / "favicon.svg"
    assert icon.read_text().startswith("<svg")


def test_the_queue_keeps_itself_current_from_its_own_part_page(
    as_alice: HttpClient, carmen: Client
) -> None:
    page = as_alice.get(reverse("home")).content.decode()
    # A small script of Tend's own fetches the list's part page; no script inside the page.
    assert re.search(r'<script src="/static/tend/queue\.js\?v=[0-9a-f]+" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert f'data-refresh="{reverse("queue_part")}"' in page
    part = as_alice.get(reverse("queue_part"))
    assert part.status_code == 200
    assert "Nobody needs you right now" in part.content.decode()
    assert "<html" not in part.content.decode()
    # Someone writes; the part shows them, ready to be swapped in, with working forms.
    answer(carmen, wants_contact="yes")
    part_page = as_alice.get(reverse("queue_part")).content.decode()
    assert "Carmen López" in part_page and "asked you to reach out" in part_page
    assert "csrfmiddlewaretoken" in part_page


def test_the_part_page_is_for_signed_in_practitioners_only(client: HttpClient) -> None:
    response = client.get(reverse("queue_part"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_admin_watching_the_whole_practice_keeps_watching_it(
    alice: Practitioner, carmen: Client
) -> None:
    alice.role = Practitioner.Role.ADMIN
    alice.save()
    http = HttpClient()
    http.force_login(alice)
    page = http.get(reverse("home") + "?all=1").content.decode()
    assert f'data-refresh="{reverse("queue_part")}?all=1"' in page


def test_the_script_is_small_and_leaves_the_list_alone_while_someone_writes() -> None:
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / "static" / "tend" / "queue.js").read_text()
    assert "30000" in script  # every half minute
    assert "textarea" in script and "details[open]" in script
    assert len(script) < 3000
