"""Links follow the person: when a client's email changes, or their practitioner signs them
out everywhere, every session they had ends and every link they have not used stops."""

from __future__ import annotations

import html

import pytest
from django.test import Client as HttpClient

from tend.clients import links
from tend.clients.models import Client

pytestmark = pytest.mark.django_db

CARMEN = {
    "name": "Carmen López",
    "email": "carmen@example.com",
    "language": "es",
    "timezone": "Europe/Madrid",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
}


def signed_in(client: Client) -> HttpClient:
    browser = HttpClient()
    assert browser.post(links.link_create(client=client))["Location"] == "/c/"
    return browser


def is_signed_in(browser: HttpClient) -> bool:
    return browser.get("/c/").status_code == 200


def test_signing_a_client_out_everywhere_ends_each_session_and_each_unused_link(
    as_alice: HttpClient, carmen: Client
) -> None:
    phone, laptop = signed_in(carmen), signed_in(carmen)
    unused = links.link_create(client=carmen)
    page = as_alice.get(f"/clients/{carmen.pk}/").content.decode()
    assert f'action="/clients/{carmen.pk}/sign-out/"' in page

    done = as_alice.post(f"/clients/{carmen.pk}/sign-out/", follow=True)

    told = html.unescape(done.content.decode())
    assert "Carmen López is signed out everywhere, and links already sent no longer work." in told
    assert not is_signed_in(phone) and not is_signed_in(laptop)
    assert phone.get("/c/")["Location"] == "/c/signin/"
    refused = HttpClient().post(unused)
    assert refused.status_code == 410
    assert "Este enlace ya no funciona" in html.unescape(refused.content.decode())
    assert is_signed_in(signed_in(carmen))  # a new link signs her in again


def test_a_new_email_ends_sessions_and_links_sent_to_the_old_one(
    as_alice: HttpClient, carmen: Client
) -> None:
    phone = signed_in(carmen)
    to_old_address = links.link_create(client=carmen)

    renamed = as_alice.post(f"/clients/{carmen.pk}/edit/", {**CARMEN, "name": "Carmen L."})
    assert renamed.status_code == 302
    assert is_signed_in(phone)  # a new name changes nothing about who is signed in

    moved = as_alice.post(f"/clients/{carmen.pk}/edit/", {**CARMEN, "email": "c@new.example"})

    assert moved.status_code == 302
    assert not is_signed_in(phone)
    assert HttpClient().post(to_old_address).status_code == 410


def test_signing_out_everywhere_is_a_post_for_her_own_practitioner_only(
    as_alice: HttpClient, carmen: Client
) -> None:
    phone = signed_in(carmen)
    assert as_alice.get(f"/clients/{carmen.pk}/sign-out/").status_code == 405
    assert HttpClient().post(f"/clients/{carmen.pk}/sign-out/").status_code == 302  # to login
    assert is_signed_in(phone)
