"""The check-in email as it goes over the wire, read by anyone."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage

import pytest
from django.conf import settings
from django.utils import timezone

from tend.checkins import email as checkin_email
from tend.checkins.models import CheckIn, State
from tend.clients.models import Client
from tend.notify import drain, outbox
from tests import factories

pytestmark = pytest.mark.django_db


def due_checkin(client: Client, sequence: int = 1) -> CheckIn:
    session = factories.SessionFactory(client=client)
    now = timezone.now()
    return CheckIn.objects.create(
        practice=client.practice,
        client=client,
        session=session,
        state=State.SCHEDULED,
        sequence=sequence,
        due_at=now,
        closes_at=now + dt.timedelta(days=2),
    )


def wire(checkin: CheckIn) -> bytes:
    return checkin_email.build(checkin)


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage, kind: str) -> str:
    """A part's text, with the wire's CRLF line ends read as newlines."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_the_bytes_say_what_was_rendered_in_any_reader(carmen: Client) -> None:
    carmen.name = "Carmen López-Ñúñez de la Peña y Villalobos, who has a very long name indeed"
    carmen.save()
    checkin = due_checkin(carmen)
    data = wire(checkin)

    # 7-bit, CRLF only, no line over 998 octets: fit for any SMTP server.
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998

    message = parse(data)
    assert message.defects == []
    assert message["Subject"] == (
        "¿Cómo estás, Carmen López-Ñúñez de la Peña y Villalobos, who has a very long name indeed?"
    )
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["To"] == "carmen@example.com"
    assert message["Message-ID"] == outbox.message_id(f"checkin:{checkin.pk}")
    assert message["Date"].datetime.tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "Carmen López-Ñúñez" in body(message, "plain")
    assert "Carmen López-Ñúñez" in body(message, "html")

    # The way out is a plain <URL> that mail apps can use, not an encoded word.
    stop = message["List-Unsubscribe"]
    assert stop.startswith("<http://127.0.0.1:8000/c/emails/stop/") and stop.endswith("/>")
    assert f"List-Unsubscribe: {stop}\r\n".encode() in data
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_name_cannot_add_a_header(alice: factories.Practitioner) -> None:
    client = factories.ClientFactory(practitioner=alice, name="Eve\r\nBcc: everyone@example.com")
    message = parse(wire(due_checkin(client)))

    assert message["Bcc"] is None
    assert "Bcc" in message["Subject"]


@pytest.mark.parametrize(
    ("address", "wire"),
    [
        ("dana@example.com", "dana@example.com"),
        ("dana@bücher.example", "dana@xn--bcher-kva.example"),
    ],
)
def test_addresses_go_out_in_ascii(address: str, wire: str) -> None:
    assert outbox.envelope_address(address) == wire


@pytest.mark.parametrize(
    "address",
    ["", "dana", "@example.com", "dana@", "dána@example.com", "a b@example.com", "a@b\r\nc"],
)
def test_an_address_no_server_would_take_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="not a deliverable address"):
        outbox.envelope_address(address)


def test_the_envelope_sender_comes_from_the_settings(settings: object) -> None:
    settings.DEFAULT_FROM_EMAIL = "Tend Clínica <hola@clínica.example>"  # type: ignore[attr-defined]
    assert drain.envelope_sender() == "hola@xn--clnica-4va.example"


def test_names_with_quotes_and_angle_brackets_read_as_written_everywhere(
    alice: factories.Practitioner,
) -> None:
    alice.name = "Ana <O'Hara> & Co"
    alice.save()
    client = factories.ClientFactory(practitioner=alice, name="Siobhán O'Brien <3")
    message = parse(wire(due_checkin(client)))
    assert message["Subject"] == "How are you, Siobhán O'Brien <3?"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "Hello Siobhán O'Brien <3," in text.get_content()
    assert "Ana <O'Hara> & Co asked Tend" in text.get_content()
    assert "Siobhán O&#x27;Brien &lt;3" in html.get_content()
    assert "Ana &lt;O&#x27;Hara&gt; &amp; Co" in html.get_content()
    assert "<O'Hara>" not in html.get_content()


def test_each_message_carries_its_own_links(carmen: Client) -> None:
    first = parse(wire(due_checkin(carmen)))
    second = parse(wire(due_checkin(carmen, sequence=2)))
    assert "TENDSLOT" not in body(first, "plain") + body(first, "html") + first["Subject"]
    first_links = {line for line in body(first, "plain").splitlines() if "/a/" in line}
    second_links = {line for line in body(second, "plain").splitlines() if "/a/" in line}
    assert len(first_links) == 6
    assert not first_links & second_links


def test_plain_text_is_plain_and_a_name_holding_a_stand_in_stays_a_name(carmen: Client) -> None:
    carmen.name = "Sam O'Brien & Co TENDSLOTGUIDANCEX"
    carmen.save()
    carmen.practitioner.name = "Ana <Rivera>"
    carmen.practitioner.save()
    checkin = due_checkin(carmen)  # the first check-in: it carries the session's guidance
    checkin.session.guidance = "Drink water and rest."
    checkin.session.save()

    message = parse(wire(checkin))

    assert message["Subject"] == "¿Cómo estás, Sam O'Brien & Co TENDSLOTGUIDANCEX?"
    text = body(message, "plain")
    assert "Sam O'Brien & Co TENDSLOTGUIDANCEX" in text
    assert text.count("Drink water and rest.") == 1  # where the guidance goes, once
    assert "&amp;" not in text and "&#x27;" not in text
    html = body(message, "html")
    assert "Sam O&#x27;Brien &amp; Co TENDSLOTGUIDANCEX" in html
    assert "Ana &lt;Rivera&gt;" in html and "<Rivera>" not in html
