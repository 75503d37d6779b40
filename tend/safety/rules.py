"""The rules layer of the safety screen: what a careful reader's rules make of a text.

``read(text, lexicon)`` returns a `Screening` with one of three levels:

- ``urgent``: current thoughts of suicide or self-harm, intent, a plan, or an act in
  progress or just done ("I want to kill myself", "me acabo de cortar").
- ``concern``: wishing not to wake up or not to exist, hopelessness, "I can't go on",
  past self-harm or attempts, or a denial of intent next to other worrying words.
- ``none``: everything else, including idioms and other people's words.

How each phrase found in the text is weighed (every word list lives in the data files):

1. Idioms ("this job is killing me") are set aside first, and a phrase lying inside a
   longer phrase defers to it ("kill myself" inside "last year I tried to kill myself").
2. Someone else's words are skipped: a quote attributed to another speaker or to a song,
   or reported speech ("she said she wanted to die"). The client quoting themselves counts,
   and so does any phrase that itself says "me" ("they'd be better off without me").
3. A negated phrase ("I don't want to die") does not count. A negated urgent phrase, or an
   explicit denial ("I won't do anything"), next to distress words ("but I'm really
   struggling") makes the text concern.
4. An urgent phrase dated to the past ("last year", "I used to") counts as concern, unless a
   recent cue ("last night", "just now") sits in the same clause.
5. Thoughts of suicide beside an explicit denial ("I'd never act on it") count as concern.
6. A plan ("I have a plan", "ya sé cómo hacerlo") beside any concern phrase is urgent.
7. Being somewhere one could jump from ("writing this from the bridge", "estoy en el
   puente") is urgent beside a concern phrase or a line about not coming back ("I don't
   think I'm coming back", "no pienso volver"); beside a denial it counts as distress.
   Alone it is nothing.

This is a keyword screen, not an assessment: it should raise a human's attention, never
replace it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tend.safety import concepts
from tend.safety.concepts import Span
from tend.safety.lemmas import lemmas
from tend.safety.lexicon import Lexicon
from tend.safety.normalize import PUNCTUATION, QUOTE, SENTENCE_END, Normalized, normalize

Level = Literal["none", "concern", "urgent"]
Weight = Literal["urgent", "concern", "denied"] | None

RANK: Mapping[str, int] = {"none": 0, "concern": 1, "urgent": 2}
NEGATION_WINDOW = 3  # words before a phrase that may negate it
VOICE_WINDOW = 5  # words before a phrase that may name who is speaking
QUOTE_WINDOW = 6  # words before an opening quote that may name the speaker
AFTER_QUOTE_WINDOW = 4  # words after a closing quote ('"...," she said')
SCOPE_LIMIT = 40  # a clause or sentence is never taken to reach further than this


@dataclass(frozen=True)
class Screening:
    level: Level
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    level: Literal["urgent", "concern"]
    kind: str
    first: int
    last: int


@dataclass(frozen=True)
class _Context:
    norm: Normalized
    lexicon: Lexicon
    quotes: tuple[tuple[int, int], ...]
    denial: re.Match[str] | None  # an explicit "I'd never act on it" anywhere in the text


@dataclass(frozen=True)
class Analysis:
    """The rules' reading of a text, and what they noticed on the way (for the model)."""

    screening: Screening
    floor: Screening  # what the text is at least, whatever the model reads (see `_floor`)
    norm: Normalized
    lemmas: tuple[str, ...]  # one per word of `norm`
    signals: tuple[str, ...]  # "hit:urgent:thoughts:denied", "cue:distress", "concept:means"
    negated: tuple[bool, ...]  # per word of `norm`: within reach of a negation before it
    # Per word of `norm`: inside a phrase the rules have read and set aside: an idiom ("this
    # job is killing me"), someone else's words, or a negated phrase ("I don't want to die").
    set_aside: tuple[bool, ...]


def read(text: str, lexicon: Lexicon) -> Screening:
    """The rules' level for `text` in the lexicon's language, and the words that decided it."""
    return analyse(text, lexicon).screening


def analyse(text: str, lexicon: Lexicon) -> Analysis:
    norm = normalize(text, lexicon.spelling)
    ctx = _Context(norm, lexicon, _quotes(norm.words), lexicon.cues["denial"].search(norm.text))
    lemma = lemmas(norm, lexicon.language)
    found = concepts.find(norm, lexicon, lemma)
    weighed = [(hit, _weigh(hit, ctx)) for hit in _hits(norm, lexicon, found)]
    ready = [(hit, _weigh(hit, ctx)) for hit in _readiness(norm, found)]
    cues = {name: lexicon.cues[name].search(norm.text) for name in SIGNAL_CUES}
    made_ready = [hit for hit, weight in ready if weight == "urgent"]
    screening = _decide(ctx, weighed, made_ready, cues)
    floor = _floor(ctx, weighed, made_ready, cues, found)
    signals = [f"hit:{hit.level}:{hit.kind}:{weight}" for hit, weight in weighed]
    signals += [f"ready:{hit.kind}:{weight}" for hit, weight in ready]
    signals += [f"cue:{name}" for name, match in cues.items() if match]
    signals += [f"concept:{name}" for name, spans in found.items() if spans]
    signals += ["idiom"] * bool(lexicon.exempt.search(norm.text))
    signals.append(f"rules:{screening.level}")
    aside = [False] * len(norm.words)
    spans = [_word_span(norm, match) for match in lexicon.exempt.finditer(norm.text)]
    spans += [(hit.first, hit.last) for hit, weight in weighed if weight in (None, "denied")]
    for first, last in spans:
        aside[first : last + 1] = [True] * (last + 1 - first)
    return Analysis(screening, floor, norm, lemma, tuple(signals), _negated(ctx), tuple(aside))


def _floor(
    ctx: _Context,
    weighed: Sequence[tuple[_Hit, Weight]],
    ready: Sequence[_Hit],
    cues: Mapping[str, re.Match[str] | None],
    found: Mapping[str, list[Span]],
) -> Screening:
    """The rules that hold whatever the model reads.

    - A plan ("I have a plan", "ya sé cómo hacerlo") beside a concern phrase is urgent, and
      so is the writer at an edge ("I'm on the roof") beside one or "not coming back".
    - A means made ready ("I've been saving my pills") or final arrangements ("my
      passwords in an envelope for my sister") beside distress or any risk phrase, or the
      two together, are urgent, even with no feeling word.
    - Suicide or self-harm named by the writer about themself, not negated and not as a
      subject ("I've had suicidal thoughts", "mis autolesiones"), is never none.
    """
    norm = ctx.norm
    means = [hit for hit in ready if hit.kind == "means"]
    farewell = [hit for hit in ready if hit.kind == "farewell"]
    spans = sorted((hit.first, hit.last) for hit in ready)
    risky = [  # a risk phrase of its own, not the same words read again ("goodbye letter")
        hit
        for hit, weight in weighed
        if weight in ("urgent", "concern") and hit.kind != "cue" and not _overlaps(hit, spans)
    ]
    plan = cues["plan"]
    if plan and any(weight == "concern" for hit, weight in weighed if hit in risky):
        return Screening("urgent", _phrases(norm, [*risky, _cue_hit(norm, plan)]))
    situation = cues["situation"]
    leaving = cues["leaving"] if situation else None
    concern = [
        hit
        for hit, weight in weighed
        if weight == "concern" and hit.kind != "cue" and not _overlaps(hit, spans)
    ]
    if situation and (concern or leaving):
        signs = [*concern, *([_cue_hit(norm, leaving)] if leaving else [])]
        return Screening("urgent", _phrases(norm, [_cue_hit(norm, situation), *signs]))
    distress = cues["distress"]
    if means and (risky or distress):
        cue = [_cue_hit(norm, distress)] if distress and not risky else []
        return Screening("urgent", _phrases(norm, [*means, *risky, *cue]))
    if farewell and (risky or means or distress):
        cue = [_cue_hit(norm, distress)] if distress and not risky else []
        return Screening("urgent", _phrases(norm, [*farewell, *risky, *cue]))
    named = [
        hit
        for hit in (_Hit("concern", "named", first, last) for first, last in found["suicide"])
        if _weigh(hit, ctx) and not _topic(hit, found) and _own(hit, ctx)
    ]
    if named:
        return Screening("concern", _phrases(norm, named))
    return Screening("none")


def _own(hit: _Hit, ctx: _Context) -> bool:
    """Whether the writer says this of themself: "I", "my", "tengo" just before and nobody
    else named there, or a word that says so itself ("suicidarme")."""
    window = _before(ctx.norm.words, hit.first, VOICE_WINDOW, PUNCTUATION)
    phrase = ctx.norm.words[hit.first : hit.last + 1]
    if tuple(phrase) in ctx.lexicon.concepts.get("own", ()):
        return True
    others = {words[0] for words in ctx.lexicon.concepts.get("others", ())}
    if others & set(window.split()):  # "my dad died by suicide", "la sobredosis de su hija"
        return False
    return bool(ctx.lexicon.cues["self_voice"].search(window))


def _topic(hit: _Hit, found: Mapping[str, list[Span]]) -> bool:
    """Whether a named mention is a subject ("a book about suicide", "suicide prevention")."""
    return any(end == hit.first - 1 for _, end in found["topic_before"]) or any(
        start == hit.last + 1 for start, _ in found["topic_after"]
    )


SIGNAL_CUES = ("plan", "situation", "leaving", "distress", "past", "recent", "denial")


def _negated(ctx: _Context) -> tuple[bool, ...]:
    words = ctx.norm.words
    stops = _near(ctx)
    flags = [False] * len(words)
    for match in ctx.lexicon.cues["negation"].finditer(ctx.norm.text):
        index = ctx.norm.word_at(match.end() - 1) + 1
        for position in range(index, min(len(words), index + NEGATION_WINDOW)):
            if words[position] in stops:
                break
            flags[position] = True
    return tuple(flags)


def _decide(
    ctx: _Context,
    weighed: Sequence[tuple[_Hit, Weight]],
    ready: Sequence[_Hit],
    cues: Mapping[str, re.Match[str] | None],
) -> Screening:
    norm = ctx.norm
    urgent = [hit for hit, weight in weighed if weight == "urgent"]
    concern = [hit for hit, weight in weighed if weight == "concern"]
    if urgent:
        return Screening("urgent", _phrases(norm, urgent))
    plan = cues["plan"]
    if concern and plan:
        return Screening("urgent", _phrases(norm, [*concern, _cue_hit(norm, plan)]))
    distress = cues["distress"]
    if ready and (concern or distress or len({hit.kind for hit in ready}) > 1):
        cue = [_cue_hit(norm, distress)] if distress and not concern else []
        return Screening("urgent", _phrases(norm, [*ready, *concern, *cue]))
    situation = cues["situation"]
    leaving = cues["leaving"] if situation else None
    if situation and (concern or leaving):
        signs = [*concern, *([_cue_hit(norm, leaving)] if leaving else [])]
        return Screening("urgent", _phrases(norm, [_cue_hit(norm, situation), *signs]))
    if concern:
        return Screening("concern", _phrases(norm, concern))
    denials = [hit for hit, weight in weighed if weight == "denied"]
    if ctx.denial:
        denials.append(_cue_hit(norm, ctx.denial))
    distress = (distress or situation) if denials else None
    if distress:
        return Screening("concern", _phrases(norm, [*denials, _cue_hit(norm, distress)]))
    return Screening("none")


def _cue_hit(norm: Normalized, match: re.Match[str]) -> _Hit:
    return _Hit("concern", "cue", *_word_span(norm, match))


def _hits(norm: Normalized, lexicon: Lexicon, found: Mapping[str, list[Span]]) -> list[_Hit]:
    """Every risk phrase in the text, minus idioms and phrases inside longer ones.

    Suicide or self-harm named outright ("suicidal", "autolesiones") is a concern phrase
    of its own, unless it is a subject ("a film about suicide", "suicide prevention").
    """
    idioms = [_word_span(norm, match) for match in lexicon.exempt.finditer(norm.text)]
    hits = [
        _Hit(level, kind, *_word_span(norm, match))
        for level, kind, pattern in lexicon.risks
        for match in pattern.finditer(norm.text)
    ]
    named = [_Hit("concern", "named", first, last) for first, last in found["suicide"]]
    hits += [hit for hit in named if not _topic(hit, found)]
    return _outermost([hit for hit in hits if not _overlaps(hit, idioms)])


READY_REACH = 6  # words between a means and what makes it ready ("saved up all my pills")


def _readiness(norm: Normalized, found: Mapping[str, list[Span]]) -> list[_Hit]:
    """A means made ready ("I've been saving my pills") and final arrangements."""
    means = [
        span for span in found["means"] if concepts.near(span, found["preparation"], READY_REACH)
    ]
    return [_Hit("urgent", "means", *span) for span in means] + [
        _Hit("urgent", "farewell", *span) for span in found["farewell"]
    ]


def _overlaps(hit: _Hit, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `hit` overlaps any of `spans` (sorted, non-overlapping word spans)."""
    index = bisect.bisect_left(spans, (hit.last + 1, -1)) - 1
    return index >= 0 and spans[index][1] >= hit.first


def _outermost(hits: Iterable[_Hit]) -> list[_Hit]:
    """Drop hits lying inside a longer hit; hits with the very same span are all kept."""
    kept: list[_Hit] = []
    reach = -1
    ordered = sorted(hits, key=lambda hit: (hit.first, -hit.last))
    for _, group in itertools.groupby(ordered, key=lambda hit: (hit.first, hit.last)):
        same = list(group)
        if same[0].last > reach:
            kept.extend(same)
        reach = max(reach, same[0].last)
    return kept


def _weigh(hit: _Hit, ctx: _Context) -> Weight:
    cues = ctx.lexicon.cues
    if _someone_else(hit, ctx):
        return None
    if cues["negation"].search(_before(ctx.norm.words, hit.first, NEGATION_WINDOW, _near(ctx))):
        return "denied" if hit.level == "urgent" else None
    if hit.level == "concern" or _dated(hit, ctx):
        return "concern"
    if hit.kind == "thoughts" and ctx.denial is not None:
        return "concern"
    return "urgent"


def _dated(hit: _Hit, ctx: _Context) -> bool:
    """Whether an urgent phrase is placed in the past ("used to", "last year I tried")."""
    words, cues = ctx.norm.words, ctx.lexicon.cues
    if cues["past"].search(_before(words, hit.first, NEGATION_WINDOW, _near(ctx))):
        return True
    clause = PUNCTUATION | ctx.lexicon.clause_words
    if hit.kind != "acts" or cues["recent"].search(_around(words, hit, clause)):
        return False
    return bool(cues["past"].search(_around(words, hit, SENTENCE_END)))


def _near(ctx: _Context) -> frozenset[str]:
    """Where the words bearing directly on a phrase stop: clause ends and a new subject."""
    return PUNCTUATION | ctx.lexicon.clause_words | ctx.lexicon.subject_words


def _someone_else(hit: _Hit, ctx: _Context) -> bool:
    """Whether the phrase is another person's words rather than the client's own."""
    index = bisect.bisect_left(ctx.quotes, (hit.first, -1)) - 1
    if index >= 0 and hit.last < ctx.quotes[index][1]:
        return _quote_speaker(*ctx.quotes[index], ctx) == "other"
    cues = ctx.lexicon.cues
    if cues["self_voice"].search(" ".join(ctx.norm.words[hit.first : hit.last + 1])):
        return False
    window = _before(ctx.norm.words, hit.first, VOICE_WINDOW, PUNCTUATION)
    return _nearest(window, {"other": cues["other_voice"], "self": cues["self_voice"]}) == "other"


def _quote_speaker(start: int, end: int, ctx: _Context) -> str | None:
    """Who a quote belongs to: "other", "self", or None when nothing says."""
    cues, words = ctx.lexicon.cues, ctx.norm.words
    speech = {"other": cues["quote_other"], "self": cues["quote_self"]}
    voice = {"other": cues["other_voice"], "self": cues["self_voice"]}
    before = _before(words, start, QUOTE_WINDOW, SENTENCE_END)
    after = " ".join(words[end + 1 : end + 1 + AFTER_QUOTE_WINDOW])
    return (
        _nearest(before, speech)
        or _first(after, speech)
        or _nearest(before, voice)
        or _first(after, voice)
    )


def _nearest(text: str, cues: Mapping[str, re.Pattern[str]]) -> str | None:
    """The label whose cue ends closest to the end of `text` (longer cue wins a tie)."""
    found = [
        ((match.end(), -match.start()), label)
        for label, pattern in cues.items()
        for match in pattern.finditer(text)
    ]
    return max(found)[1] if found else None


def _first(text: str, cues: Mapping[str, re.Pattern[str]]) -> str | None:
    found = [
        (match.start(), label)
        for label, pattern in cues.items()
        for match in pattern.finditer(text)
    ]
    return min(found)[1] if found else None


def _before(words: Sequence[str], index: int, size: int, stops: Iterable[str]) -> str:
    """Up to `size` words before `index`, stopping at any word in `stops`."""
    stop_words = frozenset(stops)
    start = index
    while start > 0 and index - start < size and words[start - 1] not in stop_words:
        start -= 1
    return " ".join(words[start:index])


def _around(words: Sequence[str], hit: _Hit, stops: Iterable[str]) -> str:
    """The stretch of words around a hit, bounded by `stops` on both sides."""
    stop_words = frozenset(stops)
    start, end = hit.first, hit.last + 1
    while start > max(0, hit.first - SCOPE_LIMIT) and words[start - 1] not in stop_words:
        start -= 1
    while end < min(len(words), hit.last + SCOPE_LIMIT) and words[end] not in stop_words:
        end += 1
    return " ".join(words[start:end])


def _quotes(words: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Pairs of (opening, closing) quote-mark positions, in order."""
    marks = [index for index, word in enumerate(words) if word == QUOTE]
    return tuple(zip(marks[::2], marks[1::2], strict=False))


def _word_span(norm: Normalized, match: re.Match[str]) -> tuple[int, int]:
    return norm.word_at(match.start()), norm.word_at(match.end() - 1)


def _phrases(norm: Normalized, hits: Iterable[_Hit]) -> tuple[str, ...]:
    return unique(norm.original(hit.first, hit.last) for hit in hits)


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
