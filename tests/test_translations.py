"""Spanish is complete: every message in the catalogue has its translation, none is a
guess left for later (fuzzy), and the compiled catalogue Tend reads says the same."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "tend" / "locale" / "es" / "LC_MESSAGES"


def entries() -> list[str]:
    text = (LOCALE / "django.po").read_text()
    return [e for e in text.split("\n\n") if "msgid" in e and not e.lstrip().startswith("#~")][1:]


def test_every_message_has_a_spanish_translation_and_none_is_fuzzy() -> None:
    found = entries()
    assert len(found) > 300
    fuzzy = [e for e in found if "#, fuzzy" in e]
    empty = [e for e in found if re.search(r'msgstr(\[\d\])? ""\s*$', e)]
    assert not fuzzy, fuzzy[:3]
    assert not empty, empty[:3]


def test_the_compiled_catalogue_matches_the_text_one() -> None:
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.gettext("Tend couldn't reach them by email") == (
        "Tend no ha podido escribirle por correo"
    )
    assert catalogue.gettext("Stop these emails") == "Dejar de recibir estos correos"
