"""Every time of day Tend shows says whose clock it is ("Fri 4 Dec, 23:13 (Madrid time)"):
templates show moments through `when`, never with a time format of their own."""

from __future__ import annotations

import re
from pathlib import Path

import tend

TEMPLATES = sorted(Path(tend.__file__).parent.rglob("templates/**/*.html"))
# A date or datetime filter whose format holds an hour: "H", "G", "g" or "h" with minutes.
OWN_CLOCK = re.compile(r"\|\s*date\s*:\s*[\"'][^\"']*[HGgh][^\"']*:[^\"']*i[^\"']*[\"']")


def test_no_template_formats_a_time_of_day_itself() -> None:
    assert len(TEMPLATES) > 50
    found = [
        f"{path.relative_to(Path(tend.__file__).parent)}: {match.group(0)}"
        for path in TEMPLATES
        for match in OWN_CLOCK.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_catches_a_bare_time() -> None:
    assert OWN_CLOCK.search('{{ event.at|date:"j M Y, H:i" }}')
    assert not OWN_CLOCK.search("{{ event.at|date:'c' }}")
    assert not OWN_CLOCK.search('{{ o.day|date:"DATE_FORMAT" }}')
