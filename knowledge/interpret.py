"""What a typed text means: an answer, a business type, signals, a FAQ question, or nothing.

Deterministic and fast (indexes are built once per knowledge and language):

* ``interpret_answer`` — at a choice question: the option (see ``matching``), a signal
  phrase pointing at this question ("we never sign anything" → No), a FAQ question, an
  unanswerable question, an ambiguity to ask about, or nothing (re-ask, never guess).
* ``match_business`` — the business type a description names ("bookkeeping for small
  shops" → accounting), by the longest known phrase, earliest first.
* ``find_signals`` — phrases about contracts, walk-ins, retainers … with negation.
* ``match_faq`` — the FAQ topic a question is about.
* ``triage`` — all of the above for one line, plus a provisional verdict.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from knowledge.classifier import Verdict, classify
from knowledge.matching import match_option
from knowledge.model import Knowledge, languages_for, with_english
from knowledge.phrases import (
    THAI_REACH,
    Hit,
    PhraseIndex,
    clause_numbers,
    fold_accents,
    normalise,
    unspaced,
    words,
)
from knowledge.schema import DEFAULT_LANG, ModelId

# A typed option this sure wins even when the text ends with "?" ("yes?").
SURE_OPTION = 95.0
# Readings scored below this (keyword votes) are offered for confirmation, not taken.
GUESS_BELOW = 80.0
_CLAUSES = re.compile(r"[,;.!:]+|\s-\s")
KEYWORD_SLACK = 2.0  # keeps one or two stray shared words from scoring high
KEYWORD_MIN_MASS = 1.5
SURE_FAQ = 90.0  # a sample question this close needs no cue words
MAX_READ = 300
CUE_SCORE = 76.0
CHATTER_SLACK = 2  # words beside a chatter phrase in its clause ("ok wait a sec")
PREFER_SAMPLE = 60.0  # sample similarity that may pick among topics fitting by cue words
STATEMENT_MARGIN = 10.0  # a statement needs this much more than the FAQ cutoff


# Where a phrase stands in the normalised text: (first word, end word, first letter, end
# letter); the letters only narrow it for Thai, where one "word" is a run of words.
Span = tuple[int, int, int, int]
_WHOLE = 10**6  # letter end of a spaced phrase: the whole word


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


class FaqMatch(BaseModel):
    id: str | None
    score: float


class Interpretation(BaseModel):
    # "guess": a loose reading, to be confirmed by the owner before it counts.
    # "away": the owner stepped away ("wait, a customer came in"), nothing to answer.
    kind: Literal["option", "guess", "faq", "unanswerable", "ambiguous", "away", "none"]
    option: str | None = None
    faq: str | None = None
    confidence: float = 0.0
    alternatives: list[str] = []
    via: Literal["label", "signal", "faq", ""] = ""


class TriageResult(BaseModel):
    text: str
    business: BusinessMatch | None
    signals: list[FoundSignal]
    answers: dict[str, str]
    verdict: Verdict
    ask_next: list[str]
    # False when the text names no business type and no signal ("hello"): the verdict is
    # then only the empty default and must not be shown as a reading.
    informative: bool = True


@cache
def _business_index(kb: Knowledge, lang: str) -> PhraseIndex:
    phrases = {
        b.id: [b.name[code] for code in languages_for(lang) if code in b.name]
        + with_english(b.synonyms, lang)
        for b in kb.businesses
    }
    negations = with_english(kb.signals_file.negations, lang)
    return PhraseIndex(phrases, negations, token_cutoff=kb.settings.business_cutoff, stems=True)


@cache
def _signal_index(kb: Knowledge, lang: str) -> PhraseIndex:
    phrases = {s.id: with_english(s.phrases, lang) for s in kb.signals_file.signals}
    negations = with_english(kb.signals_file.negations, lang)
    return PhraseIndex(phrases, negations, token_cutoff=kb.settings.token_cutoff)


@cache
def _question_words(
    kb: Knowledge, lang: str, auxiliaries: bool = False
) -> frozenset[tuple[str, ...]]:
    source = kb.signals_file.question_auxiliaries if auxiliaries else kb.signals_file.question_words
    return frozenset(tuple(words(w)) for w in with_english(source, lang))


@cache
def _faq_choices(kb: Knowledge, lang: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    ids: list[str] = []
    for entry in kb.faq:
        for question in with_english(entry.questions, lang):
            texts.append(normalise(question))
            ids.append(entry.id)
    return texts, ids


def _span(hit: Hit) -> Span:
    if hit.before or (unspaced(hit.phrase) and hit.length == 1):
        at = len(hit.before)
        return hit.start, hit.end, at, at + len(normalise(hit.phrase).replace(" ", ""))
    return hit.start, hit.end, 0, _WHOLE


def _covers(outer: Span, inner: Span) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[1] <= outer[1]
        and outer[2] <= inner[2]
        and inner[3] <= outer[3]
    )


def _size(span: Span) -> tuple[int, int]:
    return span[1] - span[0], span[3] - span[2]


# How far a served marker may stand from the business it names: "we supply fresh fish to
# restaurants", "restoranlara sebze tedarik ediyoruz"; and how close a second business must
# follow a served one to be served too ("restaurants, cafes and hotels").
SERVED_GAP = 2
LIST_GAP = 2
THAI_LIST_GAP = 4  # letters: และ, กับ, หรือ


@cache
def _served_markers(
    kb: Knowledge, lang: str
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]], list[str]]:
    """Served markers by form: right before ("for", "contracts with"), before with words
    between ("supply …"), after with words between ("… tedarik"), and Thai (glued on)."""
    before: list[tuple[str, ...]] = []
    gap_before: list[tuple[str, ...]] = []
    gap_after: list[tuple[str, ...]] = []
    thai: list[str] = []
    for marker in with_english(kb.signals_file.served_markers, lang):
        tokens = tuple(words(marker.replace("…", " ")))
        if not tokens:
            continue
        if unspaced(marker):
            thai.append(normalise(marker))
        elif marker.strip().startswith("…"):
            gap_after.append(tokens)
        elif marker.strip().endswith("…"):
            gap_before.append(tokens)
        else:
            before.append(tokens)
    return before, gap_before, gap_after, thai


def _is_served(kb: Knowledge, lang: str, tokens: list[str], clauses: list[int], hit: Hit) -> bool:
    """True when the hit names who the business serves ("software for gyms", "we supply
    restaurants", "доставляем продукты в рестораны", "restoranlara tedarik ediyoruz")."""
    before, gap_before, gap_after, thai = _served_markers(kb, lang)
    if hit.before:  # Thai: the marker is glued on ("ทำเพจให้ร้านอาหาร")
        return any(hit.before.endswith(m) for m in thai)

    def at(i: int, marker: tuple[str, ...]) -> bool:
        return i >= 0 and tuple(tokens[i : i + len(marker)]) == marker

    start, end = hit.start, hit.end
    if any(at(start - len(m), m) for m in before):
        return True
    clause = clauses[start] if clauses else 0
    for m in gap_before:
        for gap in range(1, SERVED_GAP + 1):
            i = start - gap - len(m)
            if i >= 0 and at(i, m) and all(c == clause for c in clauses[i:start]):
                return True
    if gap_after and _served_ending(kb, lang, tokens[end - 1], hit.phrase):
        for m in gap_after:
            # Anywhere later in the clause: "kafelere ve restoranlara kahve satıyoruz".
            for i in range(end, len(tokens) - len(m) + 1):
                if clauses[i] != clause:
                    break
                if at(i, m):
                    return True
    return False


def _served_ending(kb: Knowledge, lang: str, token: str, phrase: str) -> bool:
    """The typed word carries a case ending beyond the phrase's last word ("otellere")."""
    last = words(phrase)[-1] if words(phrase) else ""
    common = 0
    for a, b in zip(token, last, strict=False):
        if a != b:
            break
        common += 1
    # "restoranlara" ~ "restoran"; a stem match may differ in its last letters.
    ending = token[max(common, len(last)) :] if token.startswith(last) else token[common:]
    endings = {normalise(e) for e in kb.signals_file.served_endings.get(lang, [])}
    return bool(ending) and ending in endings


def business_matches(kb: Knowledge, text: str, lang: str) -> list[BusinessMatch]:
    """Every business type named, the main one first.

    The trade named first is the main one ("bakery with catering contracts"); at the same
    place the longer phrase is the more specific; catch-all types ("a shop") come last.
    A business named as who is served is not the trade: "software for gyms", "we supply
    restaurants, cafes and hotels" (a business listed right after a served one is served
    too).
    """
    by_id = {b.id: b for b in kb.businesses}
    tokens = words(text)
    clauses = clause_numbers(text)
    ordered = sorted(
        (h for h in _business_index(kb, lang).find(text) if not h.negated),  # "don't sell"
        key=lambda h: (h.start, len(h.before), -h.length),
    )
    served: list[Span] = []
    trade: list[Hit] = []
    for hit in ordered:
        span = _span(hit)
        listed = any(
            (s[0] == span[0] and s[3] <= span[2] <= s[3] + THAI_LIST_GAP and s[3] < _WHOLE)
            or (s[3] >= _WHOLE and s[1] <= span[0] <= s[1] + LIST_GAP)
            for s in served
        )
        if listed or _is_served(kb, lang, tokens, clauses, hit):
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
                    id=b.id, model=b.model, phrase=hit.phrase, score=hit.score, span=_span(hit)
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
    hits = _signal_index(kb, lang).find(text, rivals=same_question)
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
                span=_span(hit),
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
        s for s in signals if not any(_covers(b.span, s.span) and named_over(b, s) for b in named)
    ]
    kept_named = [
        b for b in named
        if not any(_covers(s.span, b.span) and (_size(s.span), s.score) > (_size(b.span), b.score)
                   for s in signals)
    ]  # fmt: skip
    return kept_named, kept_signals


def signal_answers(signals: list[FoundSignal]) -> dict[str, str]:
    """One option per question; when phrases disagree about a question, it stays open."""
    options: dict[str, set[str]] = {}
    for s in signals:
        options.setdefault(s.question, set()).add(s.option)
    return {q: next(iter(o)) for q, o in options.items() if len(o) == 1}


def question_strength(kb: Knowledge, text: str, lang: str) -> int:
    """2: surely a question ("?" anywhere, or it opens with what/how/why …);
    1: maybe ("is it …", or a later clause asks: "i sell on shopify, are those clients");
    0: a statement."""
    if has_question_mark(text):
        return 2
    strong, weak = _question_words(kb, lang), _question_words(kb, lang, auxiliaries=True)
    inside = _inside_question_words(kb, lang)
    ever = _indefinite_endings(kb, lang)
    found_inside = False
    for n, clause in enumerate(_CLAUSES.split(text)):
        if unspaced(clause):
            # Thai asks with particles anywhere in the run of letters ("…ไหม", "อะไร").
            joined = normalise(clause).replace(" ", "")
            if any(_asks_in_thai(w[0], joined) for w in strong):
                return 2 if n == 0 else 1
            if any(_asks_in_thai(w[0], joined) for w in weak):
                found_inside = True  # "วิธีใช้" (how to use) also sits inside answers
        tokens = words(clause)
        if len(tokens) > 1 and tokens[-1] in _question_endings(kb, lang):
            return 2 if n == 0 else 1
        if any(_asks_at(tokens, 0, s, ever) for s in strong if len(tokens) > len(s)):
            return 2 if n == 0 else 1
        if any(tuple(tokens[: len(s)]) == s for s in weak if len(tokens) > len(s)):
            return 1
        # Turkish, Indonesian, Russian… often ask mid-sentence ("clientlar neden …",
        # "usaha jenis apa …"): weaker evidence, and only with the words listed for it —
        # English "when they call, we help" is no question.
        for i in range(1, len(tokens)):
            if any(_asks_at(tokens, i, s, ever) for s in inside.get(tokens[i], ())):
                found_inside = True
        if n > 0 and tuple(tokens) in strong:  # "…, explain": a closing word of its own
            found_inside = True
    return 1 if found_inside else 0


def _asks_at(tokens: list[str], at: int, phrase: tuple[str, ...], ever: frozenset[str]) -> bool:
    """``phrase`` (a question word) stands at ``at`` and is not made "whoever/whatever" by
    the ending of one of the next two words (Turkish "kim ucuzsa", Russian "что угодно")."""
    end = at + len(phrase)
    if tuple(tokens[at:end]) != phrase:
        return False
    return not any(word.endswith(e) for word in tokens[end : end + 2] for e in ever)


@cache
def _inside_question_words(kb: Knowledge, lang: str) -> dict[str, list[tuple[str, ...]]]:
    """Words that ask mid-sentence, by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in with_english(kb.signals_file.question_words_inside, lang):
        tokens = tuple(words(phrase))
        if tokens:
            by_first.setdefault(tokens[0], []).append(tokens)
    return by_first


@cache
def _indefinite_endings(kb: Knowledge, lang: str) -> frozenset[str]:
    return frozenset(normalise(e) for e in with_english(kb.signals_file.indefinite_endings, lang))


# Thai who/what/which words turn into "whoever/whatever/nothing/whichever" around these:
# ใคร…ก็, ไม่มีใคร, ไม่ได้…อะไร, แล้วแต่…แบบไหน — an answer, not a question. Particles
# (ไหม, เหรอ) never do.
_THAI_PRONOUNS = tuple(normalise(w) for w in ("ใคร", "อะไร", "ไหน", "ยังไง"))
_THAI_EVEN = normalise("ก็")
_THAI_NOT = normalise("ไม่")  # ไม่มีใคร "nobody", ไม่ได้เซ็นอะไร "signed nothing"
_THAI_DEPENDS = normalise("แล้วแต่")


def _asks_in_thai(word: str, joined: str) -> bool:
    if not unspaced(word):
        return False
    pronoun = any(p in word for p in _THAI_PRONOUNS)
    at = joined.find(word)
    while at >= 0:
        after = joined[at + len(word) : at + len(word) + THAI_REACH]
        near = joined[max(0, at - THAI_REACH) : at]
        wider = joined[max(0, at - 2 * THAI_REACH) : at]
        indefinite = pronoun and (
            _THAI_EVEN in after or _THAI_NOT in near or _THAI_DEPENDS in wider
        )
        if not indefinite:
            return True
        at = joined.find(word, at + 1)
    return False


@cache
def _question_endings(kb: Knowledge, lang: str) -> frozenset[str]:
    endings = kb.signals_file.question_endings
    return frozenset(normalise(w) for w in with_english(endings, lang))


def has_question_mark(text: str) -> bool:
    return any(mark in text for mark in ("?", "？", "؟"))


def clean_text(text: str, limit: int | None = MAX_READ) -> str:
    """What is worth reading: lone surrogates dropped, and no more than ``limit`` chars
    (a pasted essay is not an answer; this also bounds the work per message)."""
    return text.encode("utf-8", "ignore").decode("utf-8")[:limit]


def looks_like_question(kb: Knowledge, text: str, lang: str) -> bool:
    return question_strength(kb, text, lang) > 0


@cache
def _faq_keywords(kb: Knowledge, lang: str) -> tuple[PhraseIndex, dict[str, dict[str, float]]]:
    """Content words of each FAQ topic, weighted by how specific they are (idf)."""
    bags: dict[str, set[str]] = {}
    for entry in kb.faq:
        for question in with_english(entry.questions, lang):
            bags.setdefault(entry.id, set()).update(words(question))
    topics = len(bags)
    df: dict[str, int] = {}
    for bag in bags.values():
        for token in bag:
            df[token] = df.get(token, 0) + 1
    idf = {t: math.log(topics / n) for t, n in df.items() if n < topics}
    weights = {fid: {t: idf[t] for t in bag if t in idf} for fid, bag in bags.items()}
    index = PhraseIndex({t: [t] for t in idf}, token_cutoff=kb.settings.token_cutoff, stems=True)
    return index, weights


def _keyword_faq(kb: Knowledge, text: str, lang: str) -> tuple[str | None, float]:
    """Share of the text's known content words that belong to one topic (0-100)."""
    index, weights = _faq_keywords(kb, lang)
    # Sorted, so sums add up in the same order in every process (sets follow the hash seed).
    seen = sorted({hit.key for hit in index.find(text)})
    if not seen:
        return None, 0.0
    total = sum(max(w.get(t, 0.0) for w in weights.values()) for t in seen) + KEYWORD_SLACK
    scores = sorted(
        (
            (round(100 * mass / total, 6), fid)
            for fid, w in weights.items()
            if (mass := sum(w[t] for t in seen if t in w)) >= KEYWORD_MIN_MASS
        ),
        reverse=True,
    )
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None, 0.0  # two topics share the same words: no reading
    return scores[0][1], scores[0][0]


@cache
def _faq_cues(kb: Knowledge, lang: str) -> tuple[PhraseIndex, dict[tuple[str, str], int]]:
    """Every cue word group as a phrase key ``topic#lang#n``; groups per topic and language."""
    phrases: dict[str, list[str]] = {}
    groups: dict[tuple[str, str], int] = {}
    for entry in kb.faq:
        for code in languages_for(lang):
            for n, group in enumerate(entry.cues.get(code, [])):
                phrases.setdefault(f"{entry.id}#{code}#{n}", []).extend(group)
            if entry.cues.get(code):
                groups[(entry.id, code)] = len(entry.cues[code])
    # Negated cue words do not count: "which businesses have buyers, not clients?" — only
    # right before the word: "I don't get the difference" still asks about the difference.
    negations = with_english(kb.signals_file.negations, lang)
    index = PhraseIndex(
        phrases, negations, token_cutoff=kb.settings.token_cutoff, stems=True, negation_window=1
    )
    return index, groups


@cache
def _outranks(kb: Knowledge) -> dict[str, frozenset[str]]:
    return {entry.id: frozenset(entry.outranks) for entry in kb.faq}


@cache
def _asking_negations(kb: Knowledge, lang: str) -> re.Pattern[str]:
    """Idioms like "bisa gak" or "or not" (typed with or without accents), found as whole
    words; Thai ones ("หรือไม่") inside a run of letters. They are dropped before cue words
    are read."""
    idioms = with_english(kb.signals_file.asking_negations, lang)
    forms = sorted({f for i in idioms for f in (i, fold_accents(i))}, key=len, reverse=True)
    spaced = [r"\s+".join(map(re.escape, f.split())) for f in forms if not unspaced(f)]
    glued = [re.escape(f) for f in forms if unspaced(f)]
    parts = [rf"(?<!\w)(?:{'|'.join(spaced)})(?!\w)"] if spaced else []
    parts += glued
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)  # (?!): matches nothing


def _cue_topic(
    kb: Knowledge, text: str, lang: str, prefer: str | None = None
) -> tuple[str | None, int]:
    """The FAQ topic whose every cue group appears in the text, in any of the languages
    read. ``prefer`` (the closest sample question's topic) wins if it is among them;
    otherwise the topic with most groups and the most cue words; a full tie is left open."""
    index, groups = _faq_cues(kb, lang)
    # Groups are aligned across languages (group n means the same in each), so a text
    # mixing languages ("มีclientบ้าง ยกตัวอย่าง") can fill group 0 in one, 1 in another.
    found: dict[str, set[str]] = {}
    evidence: dict[str, int] = {}  # letters of cue words matched, for breaking ties
    text = _asking_negations(kb, lang).sub(" ", text)  # "bisa gak" asks; nothing is denied
    for hit in index.find(text, rivals=lambda a, b: a == b):
        if not hit.negated:
            topic, _code, group = hit.key.split("#")
            found.setdefault(topic, set()).add(group)
            evidence[topic] = evidence.get(topic, 0) + len(normalise(hit.phrase))
    full: dict[str, int] = {}
    for topic, seen in found.items():
        needed = groups.get((topic, lang)) or groups.get((topic, DEFAULT_LANG))
        if needed and seen >= {str(n) for n in range(needed)}:
            full[topic] = needed
    beaten = {other for topic in full for other in _outranks(kb)[topic]}
    full = {topic: n for topic, n in full.items() if topic not in beaten}
    if not full:
        return None, 0
    if prefer in full:  # the closest sample question agrees with one of them
        return prefer, full[prefer]
    # Most groups, then the longer matched cue words: "อาชีพไหน … client" says more than
    # "อาชีพ … ลูกค้า" (ลูกค้า is what Thai owners call every buyer).
    best = max(full.values())
    tied = sorted((t for t, n in full.items() if n == best), key=lambda t: -evidence[t])
    if len(tied) > 1 and evidence[tied[0]] == evidence[tied[1]]:
        return None, 0
    return tied[0], best


@cache
def _off_topic_index(kb: Knowledge, lang: str) -> PhraseIndex:
    subjects = with_english(kb.signals_file.off_topic, lang)
    return PhraseIndex({"off_topic": subjects}, token_cutoff=kb.settings.token_cutoff, stems=True)


def _is_off_topic(kb: Knowledge, text: str, lang: str) -> bool:
    return bool(_off_topic_index(kb, lang).find(text))


def match_faq(kb: Knowledge, text: str, lang: str) -> FaqMatch:
    texts, ids = _faq_choices(kb, lang)
    norm = normalise(text)
    if not norm or not texts:
        return FaqMatch(id=None, score=0.0)
    found = process.extractOne(norm, texts, scorer=fuzz.token_set_ratio)
    if found is None:
        return FaqMatch(id=None, score=0.0)
    _, score, index = found
    # token_set_ratio rewards subsets; weigh in plain similarity so "clients?" alone
    # does not count as the whole question.
    blended = 0.6 * score + 0.4 * fuzz.ratio(norm, texts[index])
    if blended < SURE_FAQ and _is_off_topic(kb, text, lang):
        return FaqMatch(id=None, score=blended)  # "how do I file tax online?"
    sample_id = best_id = ids[index]
    best = blended
    # Paraphrases share few letters but the same telling words: a second opinion.
    keyword_id, keyword_score = _keyword_faq(kb, text, lang)
    if keyword_id is not None and keyword_score > best:
        best_id, best = keyword_id, keyword_score
    if best < SURE_FAQ:
        # Hand-written cue words per topic catch paraphrases the samples do not cover.
        # The closest sample settles a choice between cue topics only if it is close.
        prefer = best_id if best >= PREFER_SAMPLE else None
        cue_id, cue_groups = _cue_topic(kb, text, lang, prefer=prefer)
        if cue_id is not None and looks_like_question(kb, text, lang):
            best_id, best = cue_id, max(best, CUE_SCORE + 4 * cue_groups)
        elif cue_id is not None and cue_groups > 1 and cue_id == sample_id == keyword_id:
            # "give me examples of client businesses": no question form, but the
            # closest sample, the telling words and every cue group agree.
            best_id, best = cue_id, max(best, kb.settings.faq_cutoff + STATEMENT_MARGIN)
    if best < kb.settings.faq_cutoff:
        return FaqMatch(id=None, score=best)
    return FaqMatch(id=best_id, score=best)


def faq_for(kb: Knowledge, text: str, lang: str) -> str | None:
    """The FAQ topic of a typed text; questions need less evidence than statements."""
    text = clean_text(text)
    faq = match_faq(kb, text, lang)
    if faq.id is None:
        return None
    sure = faq.score >= kb.settings.faq_cutoff + STATEMENT_MARGIN
    if sure or looks_like_question(kb, text, lang):
        return faq.id
    return None


@cache
def _chatter_index(kb: Knowledge, lang: str) -> PhraseIndex:
    chatter = with_english(kb.signals_file.chatter, lang)
    return PhraseIndex({"chatter": chatter}, token_cutoff=kb.settings.token_cutoff)


def is_chatter(kb: Knowledge, text: str, lang: str) -> bool:
    """The owner stepping away ("wait, a customer just came in"), not answering: the
    phrase opens the message, makes up a clause of its own or is long enough to tell, so
    "they usually wait two weeks" is an answer."""
    clauses = clause_numbers(text)
    for hit in _chatter_index(kb, lang).find(text):
        own_clause = clauses.count(clauses[hit.start]) <= hit.length + CHATTER_SLACK
        # "sorry wait …" (no commas on a phone); a long phrase ("a customer just came
        # in") is telling anywhere.
        if hit.start <= 1 or hit.length >= 3 or own_clause:
            return True
    return False


def interpret_answer(kb: Knowledge, question_id: str, text: str, lang: str) -> Interpretation:
    text = clean_text(text)
    found = match_option(kb, question_id, text, lang)
    # A question mark or a "what/how/why" opening makes a question outrank a loose
    # answer; "are always under contract" opens with "are" but answers the question.
    strength = question_strength(kb, text, lang)
    question = strength == 2
    if found.score < 100 and not question and is_chatter(kb, text, lang):
        # "wait, I'll come back to you" may hold answer-like words ("come back"); an
        # exact label or synonym still counts.
        return Interpretation(kind="away")
    if found.option is not None and (found.score >= SURE_OPTION or not question):
        kind: Literal["option", "guess"] = "guess" if found.score < GUESS_BELOW else "option"
        return Interpretation(kind=kind, option=found.option, confidence=found.score, via="label")
    faq: FaqMatch | None = None
    if question or (strength and found.option is None):
        faq = match_faq(kb, text, lang)
        enough = kb.settings.faq_cutoff if question else SURE_FAQ
        if faq.id is not None and faq.score >= enough:
            return Interpretation(kind="faq", faq=faq.id, confidence=faq.score, via="faq")
        if question or strength == 2:
            return Interpretation(kind="unanswerable", confidence=faq.score)
    if found.ambiguous:
        return Interpretation(
            kind="ambiguous", alternatives=list(found.alternatives), confidence=found.score
        )
    here = [s for s in find_signals(kb, text, lang) if s.question == question_id]
    answer = signal_answers(here).get(question_id)
    if answer is not None:  # signals suggest, they never answer silently
        return Interpretation(kind="guess", option=answer, confidence=80.0, via="signal")
    faq = faq or match_faq(kb, text, lang)  # computed above for question-like texts
    if faq.id is not None and faq.score >= kb.settings.faq_cutoff + STATEMENT_MARGIN:
        return Interpretation(kind="faq", faq=faq.id, confidence=faq.score, via="faq")
    return Interpretation(kind="none")


def _both_sides(kb: Knowledge, signals: list[FoundSignal], business: BusinessMatch | None) -> bool:
    """One line naming a client trait and a customer trait describes a hybrid.

    A description is too short for the weighted shares of a full questionnaire: "walk-ins
    for tyres and a fleet contract" carries one signal each way, and that *is* the hybrid
    pattern (contracts with some accounts, walk-in buyers for the rest).
    """
    # Every signal counts, even two that disagree about one question ("half one-off
    # buyers, half on subscriptions"): that disagreement is the hybrid pattern itself.
    leans = [option.lean for s in signals if (option := kb.option(s.question, s.option))]
    if business is not None and business.model != "hybrid":
        leans.append(1.0 if business.model == "client" else -1.0)
    return any(lean > 0 for lean in leans) and any(lean < 0 for lean in leans)


@cache
def _other_group_index(kb: Knowledge, lang: str) -> PhraseIndex:
    markers = with_english(kb.signals_file.other_group_markers, lang)
    return PhraseIndex({"other": markers}, token_cutoff=100.0)


def _lean(kb: Knowledge, signals: list[FoundSignal]) -> float:
    return sum(o.lean for s in signals if (o := kb.option(s.question, s.option)))


def _other_group_differs(
    kb: Knowledge,
    text: str,
    lang: str,
    signals: list[FoundSignal],
    business: BusinessMatch | None,
) -> bool:
    """ "Contracts with schools, the rest is people off the street": a description that
    turns to a second group of buyers, after one side was named for the first group,
    and says nothing of that side for the second, describes two kinds of buyers."""
    marks = _other_group_index(kb, lang).find(text)
    if not marks:
        return False
    turn = min(_span(m) for m in marks)
    first = [s for s in signals if s.span < turn]
    rest = [s for s in signals if s.span > turn]
    lean = _lean(kb, first)
    if business is not None and business.span < turn and business.model != "hybrid":
        lean += 1.0 if business.model == "client" else -1.0
    if lean == 0:
        return False
    # The second group repeats the first's side ("others are on retainers too"): one kind.
    return not any(
        (o := kb.option(s.question, s.option)) is not None and o.lean * lean > 0 for s in rest
    )


def triage(kb: Knowledge, text: str, lang: str, classifying: list[str]) -> TriageResult:
    """A provisional verdict from one line; ``classifying`` = questions that count."""
    text = clean_text(text)
    named, signals = read_description(kb, text, lang)
    business = named[0] if named else None
    answers = signal_answers(signals)
    prior = (business.id, business.model) if business else None
    verdict = classify(kb, answers, expected=classifying, prior=prior)
    # The name of a hybrid trade may say which of its sides it is ("walk-in clinic"):
    # not an answer, but with a signal for the other side the line is two-sided.
    named_traits = (
        [s for s in find_signals(kb, text, lang) if _covers(business.span, s.span)]
        if business is not None and business.model == "hybrid"
        else []
    )
    if verdict.model != "hybrid" and (
        _both_sides(kb, signals + named_traits, business)
        or _other_group_differs(kb, text, lang, signals, business)
    ):
        verdict = verdict.model_copy(update={"model": "hybrid", "hybrid_rule": "both_sides"})
    ask_next = sorted((q for q in classifying if q not in answers), key=lambda q: -kb.weight(q))[:4]
    return TriageResult(
        text=text,
        business=business,
        signals=signals,
        answers=answers,
        verdict=verdict,
        ask_next=ask_next,
        informative=business is not None or bool(signals),
    )
