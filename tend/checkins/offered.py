"""Which practices a client is offered: those of their latest session's plan, and those
suggested by what a check-in said (tend/integration/suggestions.py holds the rules)."""

from __future__ import annotations

from tend.care import plans
from tend.care.models import Session
from tend.checkins.models import CheckIn
from tend.checkins.services import latest_session
from tend.integration import library, links, suggestions


def for_session(session: Session | None, language: str) -> list[dict[str, object]]:
    if session is None:
        return []
    return [library.card(e, language) for e in plans.session_exercises(session)]


def after(checkin: CheckIn, *, by_link: bool = False) -> list[dict[str, object]]:
    """One or two practices for what this check-in said, each with its reason; with
    `by_link`, each opens from a signed link (the reader came from an email)."""
    client = checkin.client
    language = client.language
    session = checkin.session or latest_session(client)
    fitting = (
        library.fitting(client.practice_id, session.intensity, session.modality)
        if session is not None
        else []
    )
    seen = {e.pk for e in fitting}
    others = [e for e in library.visible(client.practice_id).defer("text") if e.pk not in seen]
    answer = suggestions.Answer(
        language=language,
        activation=checkin.activation,
        quick=checkin.quick_answer,
        sensations=checkin.sensations,
        emotions=checkin.emotions,
        basics=[checkin.slept, checkin.ate, checkin.drank, checkin.moved],
        note=f"{checkin.note}\n{checkin.need}",
    )
    return [
        library.card(
            s.exercise,
            language,
            s.reason,
            links.practice_url(client.pk, s.exercise.pk) if by_link else "",
        )
        for s in suggestions.suggest(answer, [*fitting, *others])
    ]
