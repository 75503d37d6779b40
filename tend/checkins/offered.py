"""Which practices a client is offered: those of their latest session's plan, and those
suggested by what a check-in said (tend/integration/suggestions.py holds the rules)."""

from __future__ import annotations

from tend.checkins.models import CheckIn
from tend.checkins.services import latest_session
from tend.integration import library, links, suggestions
from tend.integration.models import Exercise


def cards(exercises: list[Exercise], language: str) -> list[dict[str, object]]:
    """What a page shows of these practices, their words read in one query."""
    return [library.card(e, language) for e in library.with_words(exercises)]


def after(checkin: CheckIn, *, by_link: bool = False) -> list[dict[str, object]]:
    """One or two practices for what this check-in said, each with its reason; with
    `by_link`, each opens from a signed link (the reader came from an email)."""
    client = checkin.client
    language = client.language
    session = checkin.session or latest_session(client)
    # Those that suit the session first, quickest first; then the others, kind by kind.
    every = library.light(client.practice_id)
    fitting = [
        e for e in every if session and library.suits(e, session.intensity, session.modality)
    ]
    taken = {e.pk for e in fitting}
    others = sorted(
        (e for e in every if e.pk not in taken), key=lambda e: (e.kind, e.minutes, e.key)
    )
    answer = suggestions.Answer(
        language=language,
        activation=checkin.activation,
        quick=checkin.quick_answer,
        sensations=checkin.sensations,
        emotions=checkin.emotions,
        basics=[checkin.slept, checkin.ate, checkin.drank, checkin.moved],
        note=f"{checkin.note}\n{checkin.need}",
    )
    chosen = suggestions.suggest(answer, [*fitting, *others])
    library.with_words([s.exercise for s in chosen])
    return [
        library.card(
            s.exercise,
            language,
            s.reason,
            links.practice_url(client.pk, s.exercise.pk) if by_link else "",
        )
        for s in chosen
    ]
