"""Which crisis lines a client sees: their practice's own first, then Tend's for their country.

    resources_for_client(client)          # the signed-in (or known) client
    resources_for_country("GB", practice_id=None)

A client's country is the one set on their record, else the one their time zone is in
(tz database), else unknown, which shows the international directories.
"""

from __future__ import annotations

from django.core import signing
from django.db.models import Q

from tend.clients.models import Client
from tend.lib import zones
from tend.practices import tenancy
from tend.safety import resources
from tend.safety.models import CrisisLine
from tend.safety.resources import CrisisResource

HINT_SALT = "tend.safety.help-for"
HINT_MAX_AGE = 60 * 60 * 24 * 30


def country_for(client: Client) -> str:
    """The client's country code, as set or from their time zone; "" if unknown."""
    return zones.normalise_country(client.country or "") or zones.country_for_zone(
        client.timezone or ""
    )


def practice_lines(practice_id: int, country: str) -> list[CrisisResource]:
    """The practice's own lines for `country`, and those for every country."""
    country = zones.normalise_country(country)
    wanted = Q(country="") | Q(country=country) if country else Q(country="")
    rows = tenancy.for_practice(CrisisLine, practice_id).filter(wanted)
    return [as_resource(line) for line in rows]


def as_resource(line: CrisisLine) -> CrisisResource:
    return CrisisResource(
        name=line.name,
        phone=line.phone or None,
        text=line.text or None,
        text_body=line.text_body or None,
        website=line.website or None,
        hours=line.hours or None,
        about=(("", line.notes),) if line.notes else (),
        from_practice=True,
    )


def resources_for_country(country: str, practice_id: int | None = None) -> list[CrisisResource]:
    """The practice's lines (if any) first, then Tend's for the country, emergency last."""
    own = practice_lines(practice_id, country) if practice_id is not None else []
    return [*own, *resources.resources_for(country)]


def resources_for_client(client: Client) -> list[CrisisResource]:
    """Every line to show this client: their practice's own first, emergency number last."""
    return resources_for_country(country_for(client), client.practice_id)


# The help link on pages reached from an email (no session) carries a signed hint, so the
# help page can show that client's country, practice lines and language. It names no one
# and opens nothing else.


def hint_for(client: Client) -> str:
    return signing.dumps(client.pk, salt=HINT_SALT)


def client_from_hint(value: object) -> Client | None:
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        client_id = signing.loads(value, salt=HINT_SALT, max_age=HINT_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(client_id, int) or isinstance(client_id, bool):
        return None
    return Client.objects.filter(pk=client_id).first()
