"""A client with a canary in every piece of text Tend keeps about them."""

from __future__ import annotations

from tend.alerts import services as alert_services
from tend.alerts.models import Kind, Level
from tend.assessments.models import Administration
from tend.clients import links
from tend.clients.models import Client
from tend.journal import services as journal
from tend.practices.models import Practitioner
from tests import factories


def client_full_of(canary: str, practitioner: Practitioner) -> Client:
    """Name, email, session notes and guidance, check-in words, replies both ways, journal
    entries and prompts, an alert's resolution, a questionnaire, sign-in links and emails."""
    client = factories.ClientFactory(
        practitioner=practitioner,
        name=f"{canary} name",
        email=f"{canary.lower()}@example.com",
    )
    session = factories.SessionFactory(
        client=client,
        private_note=f"{canary} private note",
        client_note=f"{canary} client note",
        guidance=f"{canary} guidance",
    )
    checkin = factories.CheckInFactory(
        client=client, session=session, note=f"{canary} check-in note", need=f"{canary} need"
    )
    alert = alert_services.open_alert(client, Kind.CONTACT, Level.URGENT, {}, checkin=checkin)
    alert_services.acknowledge([alert], practitioner)
    alert_services.resolve(alert, practitioner, f"{canary} resolution")
    reply = alert_services.reply(client, practitioner, f"{canary} reply", checkin=checkin)
    alert_services.client_wrote_back(reply, f"{canary} answer")
    entry = journal.write(client, f"{canary} shared entry", prompt=f"{canary} prompt", share=True)
    journal.write(client, f"{canary} ripple", kind="ripple", share=True)
    alert_services.reply(client, practitioner, f"{canary} reply to entry", entry=entry)
    Administration.objects.create(
        practice=client.practice, client=client, slug="who5", answers=[3, 3, 2, 4, 5], total=17
    )
    links.invitation_send(client=client)
    links.link_create(client=client)
    return client
