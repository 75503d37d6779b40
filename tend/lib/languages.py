"""Texts a practice writes, kept by language as data: {"en": ..., "es": ...}.

Adding a language to Tend needs no migration: a new key appears in the same field.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings


def codes() -> list[str]:
    """Every language Tend speaks, as codes, English first."""
    return [code for code, _ in settings.LANGUAGES]


def pick[T](texts: Mapping[str, T], language: str, fallback: bool = True) -> T | None:
    """The text in `language` ("es-MX" reads "es"); else, with `fallback`, the first language
    that has one (English first): a reader is better served by words than by nothing."""
    for code in (language, language.split("-")[0].lower()):
        if texts.get(code):
            return texts[code]
    if not fallback:
        return None
    return next((texts[code] for code in [*codes(), *texts] if texts.get(code)), None)
