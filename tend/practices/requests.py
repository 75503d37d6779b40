"""Request types for views that know who is signed in."""

from __future__ import annotations

from django.http import HttpRequest

from tend.practices.models import Practitioner


class PractitionerRequest(HttpRequest):
    user: Practitioner
