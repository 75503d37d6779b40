"""Which questionnaires a practice can use: Tend's own (data/measures/) and the practice's
own, each as a checked Definition."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from tend.assessments.models import Questionnaire
from tend.assessments.scoring import BadDefinition, Definition, builtins, parse

LADDER = "ladder"


def read(text: str, name: str = "definition") -> Definition:
    """A definition from its TOML text; BadDefinition names what is wrong, TOML included."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise BadDefinition(f"{name}: this isn't valid TOML ({problem})") from None
    return parse(data, name)


@lru_cache(maxsize=256)
def _own(pk: int, updated: str, text: str) -> Definition:
    return read(text, f"questionnaire {pk}")


def own(practice_id: int) -> dict[str, Definition]:
    found = {}
    for row in Questionnaire.objects.filter(practice_id=practice_id):
        try:
            found[row.slug] = _own(row.pk, row.updated_at.isoformat(), row.text)
        except BadDefinition:  # checked when saved; a later change to the rules may refuse it
            continue
    return found


def definition(practice_id: int, slug: str) -> Definition | None:
    shipped = builtins().get(slug)
    if shipped is not None:
        return shipped
    row = Questionnaire.objects.filter(practice_id=practice_id, slug=slug).first()
    if row is None:
        return None
    try:
        return _own(row.pk, row.updated_at.isoformat(), row.text)
    except BadDefinition:
        return None


def offered(practice_id: int) -> list[Definition]:
    """Everything a practitioner can send: Tend's measures, the practice's own, the ladder."""
    every = {**own(practice_id), **builtins()}
    return sorted(every.values(), key=lambda d: (d.slug == LADDER, d.slug in builtins(), d.slug))
