"""What a description says about the business: its type and its signals.

* ``business_matches`` / ``match_business`` — the business type a description names
  ("bookkeeping for small shops" → accounting), the trade named first; a business named
  as who is served ("software for gyms") is not the trade.
* ``find_signals`` — phrases about contracts, walk-ins, retainers … with negation.
* ``read_description`` — both at once, each word read once.
* ``signal_answers`` — the answers the signals suggest, one per question.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from knowledge import thai
from knowledge.model import Knowledge, languages_for, with_english
from knowledge.phrases import Hit, PhraseIndex, clause_numbers, normalise, thai_words, words
from knowledge.schema import ModelId
from knowledge.thai import unspaced

# Where a phrase stands in the normalised text: (first word, end word, first letter, end
# letter); the letters only narrow it for Thai, where one "word" is a run of words.
Span = tuple[int, int, int, int]
_WHOLE = 10**6  # letter end of a spaced phrase: the whole word

# How far a served marker may stand from the business it names: "we supply fresh fish to
# restaurants", "restoranlara sebze tedarik ediyoruz"; and how close a second business must
# follow a served one to be served too ("restaurants, cafes and hotels").
SERVED_GAP = 2
LIST_GAP = 2


class BusinessMatch(BaseModel):
    id: str
    model: ModelId
    phrase: str
    score: float
    span: Span = Field(default=(0, 0, 0, 0), exclude=True)


class FoundSignal(BaseModel):
    id: str
    question: str
    option: str
    phrase: str
    negated: bool
    span: Span = Field(default=(0, 0, 0, 0), exclude=True)
    score: float = Field(default=100.0, exclude=True)


@dataclass(frozen=True)
class ServedMarkers:
    """Served markers by form: right before ("for", "contracts with"), before with words
    between ("supply …"), after with words between ("… tedarik"), and Thai (glued on)."""

    before: tuple[tuple[str, ...], ...]
    gap_before: tuple[tuple[str, ...], ...]
    gap_after: tuple[tuple[str, ...], ...]
    thai: tuple[str, ...]
    endings: frozenset[str]  # case endings after the business ("otel-lere")


@dataclass(frozen=True)
class DescriptionIndex:
    """Business names and signal phrases of one language (plus English)."""

    businesses: PhraseIndex
    signals: PhraseIndex
    served: ServedMarkers


def build_description_index(kb: Knowledge, lang: str) -> DescriptionIndex:
    sf = kb.signals_file
    negations = with_english(sf.negations, lang)
    rules = thai_words(sf.thai_rules)
    names = {
        b.id: [b.name[code] for code in languages_for(lang) if code in b.name]
        + with_english(b.synonyms, lang)
        for b in kb.businesses
    }
    phrases = {s.id: with_english(s.phrases, lang) for s in sf.signals}
    before: list[tuple[str, ...]] = []
    gap_before: list[tuple[str, ...]] = []
    gap_after: list[tuple[str, ...]] = []
    glued: list[str] = []
    for marker in with_english(sf.served_markers, lang):
        tokens = tuple(words(marker.replace("…", " ")))
        if not tokens:
            continue
        if unspaced(marker):
            glued.append(normalise(marker))
        elif marker.strip().startswith("…"):
            gap_after.append(tokens)
        elif marker.strip().endswith("…"):
            gap_before.append(tokens)
        else:
            before.append(tokens)
    return DescriptionIndex(
        businesses=PhraseIndex(
            names, negations, token_cutoff=kb.settings.business_cutoff, stems=True, thai=rules
        ),
        signals=PhraseIndex(phrases, negations, token_cutoff=kb.settings.token_cutoff, thai=rules),
        served=ServedMarkers(
            before=tuple(before),
            gap_before=tuple(gap_before),
            gap_after=tuple(gap_after),
            thai=tuple(glued),
            endings=frozenset(normalise(e) for e in sf.served_endings.get(lang, [])),
        ),
    )


def span_of(hit: Hit) -> Span:
    if hit.before or (unspaced(hit.phrase) and hit.length == 1):
        at = len(hit.before)
        return hit.start, hit.end, at, at + len(normalise(hit.phrase).replace(" ", ""))
    return hit.start, hit.end, 0, _WHOLE


def covers(outer: Span, inner: Span) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[1] <= outer[1]
        and outer[2] <= inner[2]
        and inner[3] <= outer[3]
    )


def _size(span: Span) -> tuple[int, int]:
    return span[1] - span[0], span[3] - span[2]


def _is_served(served: ServedMarkers, tokens: list[str], clauses: list[int], hit: Hit) -> bool:
    """True when the hit names who the business serves ("software for gyms", "we supply
    restaurants", "доставляем продукты в рестораны", "restoranlara tedarik ediyoruz")."""
    if hit.before:  # Thai: the marker is glued on ("ทำเพจให้ร้านอาหาร")
        return any(hit.before.endswith(m) for m in served.thai)

    def at(i: int, marker: tuple[str, ...]) -> bool:
        return i >= 0 and tuple(tokens[i : i + len(marker)]) == marker

    start, end = hit.start, hit.end
    if any(at(start - len(m), m) for m in served.before):
        return True
    clause = clauses[start] if clauses else 0
    for m in served.gap_before:
        for gap in range(1, SERVED_GAP + 1):
            i = start - gap - len(m)
            if i >= 0 and at(i, m) and all(c == clause for c in clauses[i:start]):
                return True
    if served.gap_after and _served_ending(served, tokens[end - 1], hit.phrase):
        for m in served.gap_after:
            # Anywhere later in the clause: "kafelere ve restoranlara kahve satıyoruz".
            for i in range(end, len(tokens) - len(m) + 1):
                if clauses[i] != clause:
                    break
                if at(i, m):
                    return True
    return False


def _served_ending(served: ServedMarkers, token: str, phrase: str) -> bool:
    """The typed word carries a case ending beyond the phrase's last word ("otellere")."""
    last = words(phrase)[-1] if words(phrase) else ""
    common = 0
    for a, b in zip(token, last, strict=False):
        if a != b:
            break
        common += 1
    # "restoranlara" ~ "restoran"; a stem match may differ in its last letters.
    ending = token[max(common, len(last)) :] if token.startswith(last) else token[common:]
    return bool(ending) and ending in served.endings


def business_matches(kb: Knowledge, text: str, lang: str) -> list[BusinessMatch]:
    """Every business type named, the main one first.

    The trade named first is the main one ("bakery with catering contracts"); at the same
    place the longer phrase is the more specific; catch-all types ("a shop") come last.
    A business named as who is served is not the trade: "software for gyms", "we supply
    restaurants, cafes and hotels" (a business listed right after a served one is served
    too).
    """
    index = kb.index(lang).description
    by_id = {b.id: b for b in kb.businesses}
    tokens = words(text)
    clauses = clause_numbers(text)
    ordered = sorted(
        (h for h in index.businesses.find(text) if not h.negated),  # "don't sell"
        key=lambda h: (h.start, len(h.before), -h.length),
    )
    served: list[Span] = []
    trade: list[Hit] = []
    for hit in ordered:
        span = span_of(hit)
        listed = any(
            (s[0] == span[0] and s[3] <= span[2] <= s[3] + thai.LIST_GAP and s[3] < _WHOLE)
            or (s[3] >= _WHOLE and s[1] <= span[0] <= s[1] + LIST_GAP)
            for s in served
        )
        if listed or _is_served(index.served, tokens, clauses, hit):
            served.append(span)
        else:
            trade.append(hit)
    hits = sorted(trade, key=lambda h: (by_id[h.key].generic, h.start, -h.length, -h.score))
    found: list[BusinessMatch] = []
    for hit in hits:
        if all(m.id != hit.key for m in found):
            b = by_id[hit.key]
            found.append(
                BusinessMatch(
                    id=b.id, model=b.model, phrase=hit.phrase, score=hit.score, span=span_of(hit)
                )
            )
    return found


def match_business(kb: Knowledge, text: str, lang: str) -> BusinessMatch | None:
    found = business_matches(kb, text, lang)
    return found[0] if found else None


def find_signals(kb: Knowledge, text: str, lang: str) -> list[FoundSignal]:
    by_id = {s.id: s for s in kb.signals_file.signals}

    def same_question(a: str, b: str) -> bool:
        return by_id[a].question == by_id[b].question

    found: list[FoundSignal] = []
    hits = kb.index(lang).description.signals.find(text, rivals=same_question)
    for hit in sorted(hits, key=lambda h: h.start):
        signal = by_id[hit.key]
        if hit.negated and signal.negated is None:
            continue  # "no regulars" says nothing about regulars
        option = signal.negated if hit.negated else signal.option
        assert option is not None
        found.append(
            FoundSignal(
                id=signal.id,
                question=signal.question,
                option=option,
                phrase=hit.phrase,
                negated=hit.negated,
                span=span_of(hit),
                score=hit.score,
            )
        )
    return found


def read_description(
    kb: Knowledge, text: str, lang: str
) -> tuple[list[BusinessMatch], list[FoundSignal]]:
    """The business types and the signals of a description, each words read once.

    A phrase inside a longer phrase of the other kind is part of it: "advertising
    agency" names a business, not "advertising" (ads and walk-ins); "корпоративные
    клиенты" (corporate clients) is a signal, not "корпоратив" (an office party planner).
    At equal length the closer match wins ("kontrak" is a contract, not a misspelt
    "kontraktor"), and at an equal score the business name, unless it is a catch-all.
    """
    named = business_matches(kb, text, lang)
    signals = find_signals(kb, text, lang)
    generic = {b.id for b in kb.businesses if b.generic}

    def named_over(b: BusinessMatch, s: FoundSignal) -> bool:
        # A catch-all type ("авито" as "a shop") is the weaker reading of the same word.
        ours, theirs = (_size(b.span), b.score), (_size(s.span), s.score)
        return ours > theirs or (ours == theirs and b.id not in generic)

    kept_signals = [
        s for s in signals if not any(covers(b.span, s.span) and named_over(b, s) for b in named)
    ]
    kept_named = [
        b for b in named
        if not any(covers(s.span, b.span) and (_size(s.span), s.score) > (_size(b.span), b.score)
                   for s in signals)
    ]  # fmt: skip
    return kept_named, kept_signals


def signal_answers(signals: list[FoundSignal]) -> dict[str, str]:
    """One option per question; when phrases disagree about a question, it stays open."""
    options: dict[str, set[str]] = {}
    for s in signals:
        options.setdefault(s.question, set()).add(s.option)
    return {q: next(iter(o)) for q, o in options.items() if len(o) == 1}
