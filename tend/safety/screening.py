"""Screen a client's free text for suicide and self-harm risk: ``screen(text, language)``.

Two layers read each run of sentences in its own language (`languages.segments`; a
sentence too short to tell is read in every language):

1. the rules (`rules.py`, word lists in data/lexicon/): careful about negation, other
   people's words, quotation, idioms and past versus now, and able to say why;
2. the statistical layer (`model.py`, trained on data/corpus/): catches wording close to
   known danger that no rule names, its regressions blended with the labelled texts
   nearest in meaning (`meaning.py`), so that danger said in words the corpus never used
   still lands beside texts that mean the same.

The model decides, reading the rules' findings among its features; the rules set a floor it
cannot go below (`rules._floor`: a plan beside a concern phrase, or a means made ready or
final arrangements beside distress or risk, is urgent; suicide or self-harm named by the
writer about themself is never none). The
matches are the rules' words when they reached the same level, else the model's. On fresh
wording the rules' own level was right less often than the model's (README.md). Levels:

- ``urgent``: current thoughts of suicide or self-harm, intent, a plan, means made ready,
  farewells beside distress, or an act in progress or just done.
- ``concern``: wishing not to wake up or not to exist, hopelessness, past self-harm or
  attempts, or a denial of intent next to other worrying words.
- ``none``: nothing recognised. Not "safe": crisis lines stay one tap away on every page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from tend.safety.languages import segments, sentences
from tend.safety.lexicon import Lexicon, code_of, loaded
from tend.safety.model import Model, Reading, model_for
from tend.safety.rules import RANK, Analysis, Screening, analyse, unique

__all__ = ["Screening", "screen", "screen_with"]

NEAR_PASSAGES = 12


def screen(text: str, language: str) -> Screening:
    """Screen `text` written in `language` ("es", "es-MX"; any other: detected)."""
    return screen_with(text, language, model_for)


def screen_with(text: str, language: str, models: Callable[[str], Model | None]) -> Screening:
    """`screen` with the statistical layer's model for each language from `models`."""
    everything = loaded()
    code = code_of(language)
    order = sorted(everything, key=lambda name: name != code)  # the client's language first
    best = Screening("none")
    for segment in segments(text, order):
        # Too short to tell ("kms", "no quiero morir"): read in every language. Told apart
        # as another language than the client's: read in that one and in the client's own
        # too, since informal writing can fool the detector ("im sucidal rn" reads as
        # Spanish). The texts nearest in meaning, alike in every language, count once,
        # beside the rules of the language read first; another language's rules would not
        # know which words a negation or an idiom has set aside.
        names = order if segment.language is None else [segment.language, order[0]]
        names = list(dict.fromkeys(names))  # the client's language once
        for name in names:
            near = name == names[0]
            result = _two_layers(segment.text, everything[name], models, near)
            if RANK[result.level] > RANK[best.level]:
                best = result
            elif result.level == best.level != "none":
                best = Screening(best.level, unique((*best.matches, *result.matches)))
    return best


def _two_layers(
    text: str, lexicon: Lexicon, models: Callable[[str], Model | None], near: bool
) -> Screening:
    """The model's level, never below the rules' floor; the words of whichever decided."""
    analysis = analyse(text, lexicon)
    model = models(lexicon.language)
    if model is None:  # a language with a lexicon but no corpus: the rules alone
        return analysis.screening
    reading = _strongest(model, analysis, text, lexicon, near)
    level = max(reading.level, analysis.floor.level, key=RANK.__getitem__)
    if level == "none":
        return Screening("none")
    for said in (analysis.screening, analysis.floor):
        if said.level == level:
            return said
    return Screening(level, reading.matches)


def _strongest(
    model: Model, analysis: Analysis, text: str, lexicon: Lexicon, near: bool
) -> Reading:
    """The model's reading of the whole text or of one of its passages, whichever reads more
    risk: danger in one clause of a long message is not thinned out by the rest.

    The passages are each sentence with the one after it, so that a sentence is not read
    without the words around it ("This is my last check-in before I move to Toronto! Thank
    you for everything."), and each sentence in which the rules find a risk phrase, on its
    own, so that calm sentences beside it cannot thin it out ("I felt tired after the
    session and cried a bit. I want to kill myself."). The texts nearest in meaning are
    found for the whole and for the first `NEAR_PASSAGES` passages, the rules' first;
    passages past those are read by the regressions alone. A whole text already read as
    urgent needs no passages: none can read higher."""
    best = model.read(analysis, model.neighbours.lean([text])[0] if near else None)
    parts = sentences(text)
    if best.level == "urgent" or len(parts) < 2:
        return best
    read = {part: analyse(part, lexicon) for part in parts}
    flagged = [part for part, found in read.items() if found.screening.level != "none"]
    pairs = (
        [first + second for first, second in itertools.pairwise(parts)] if len(parts) > 2 else []
    )
    passages = [*flagged, *pairs]
    found = model.neighbours.lean(passages[:NEAR_PASSAGES]) if near else []
    leans: list[tuple[float, float] | None] = [*found, *[None] * (len(passages) - len(found))]
    for passage, lean in zip(passages, leans, strict=True):
        reading = model.read(read[passage] if passage in read else analyse(passage, lexicon), lean)
        if RANK[reading.level] > RANK[best.level]:
            best = reading
    return best
