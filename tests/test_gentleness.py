"""No streaks, no counts of days missed, no badges, no guilt: every word Tend shows (templates,
both catalogues, the practices and suggestion rules) is read for the vocabulary of scores."""

from __future__ import annotations

import re
from pathlib import Path

TEND = Path(__file__).resolve().parents[1] / "tend"
WORDS = [
    r"streaks?",
    r"missed days?",
    r"days? missed",
    r"you missed",
    r"failed",
    r"you failed",
    r"badges?",
    r"don't break",
    r"keep it up",
    r"rachas?",
    r"fallaste",
    r"días perdidos",
    r"insignias?",
    r"no rompas",
    r"behind",
    r"level up",
    r"atrasad[oa]s?",
]
PATTERN = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.IGNORECASE)


def shown_text(path: Path) -> str:
    """What a person can read in a file: templates without their tags, catalogues' messages,
    the data files' words."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".html", ".txt"):
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", " ", text, flags=re.S)
        return re.sub(r"<[^>]+>", " ", text)
    if path.suffix == ".po":
        return "\n".join(re.findall(r'^(?:msgid|msgstr(?:\[\d\])?|)\s*"(.*)"$', text, re.M))
    return text


def sources() -> list[Path]:
    found = [p for p in TEND.rglob("templates/**/*") if p.suffix in (".html", ".txt")]
    found += list((TEND / "locale").rglob("*.po"))
    found += list((TEND / "integration" / "data").rglob("*.toml"))
    found.append(TEND / "assessments" / "data" / "measures" / "ladder.toml")  # ours, not published
    return sorted(found)


def test_nothing_tend_shows_keeps_score() -> None:
    paths = sources()
    assert len(paths) > 80
    hits = [
        f"{path.relative_to(TEND)}: {match.group(0)!r}"
        for path in paths
        for match in PATTERN.finditer(shown_text(path))
    ]
    assert hits == []


def test_the_check_finds_the_words_it_is_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text("<p>{% translate 'x' %}Day 3 of your streak! Don't break it.</p>")
    assert PATTERN.findall(shown_text(sample)) == ["streak", "Don't break"]
    po = tmp_path / "django.po"
    po.write_text('msgid "You failed"\nmsgstr "Perdiste tu racha"\n')
    assert [m.lower() for m in PATTERN.findall(shown_text(po))] == ["you failed", "racha"]
