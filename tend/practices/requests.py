"""Request types for views that know who is signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tend.clients.models import Client
    from tend.practices.models import Practitioner


class PractitionerRequest(HttpRequest):
    user: Practitioner


class ClientRequest(HttpRequest):
    client: Client
