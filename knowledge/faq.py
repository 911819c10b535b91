"""The FAQ topic a typed question is about (``match_faq``, ``faq_for``).

Three readings, strongest first, each a second opinion on the one before:

1. *samples* — the closest sample question of a topic (rapidfuzz ``token_set_ratio``
   blended with plain similarity), unless the text is about a subject the bot does not
   cover ("tax");
2. *telling words* — the share of the text's content words that only one topic uses
   (idf weights), for paraphrases sharing few letters with the samples;
3. *cue words* — hand-written word groups per topic (faq.yaml ``cues``): a topic whose
   every group appears fits, if the text is a question (or every reading agrees).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from knowledge.model import Knowledge, languages_for, with_english
from knowledge.phrases import PhraseIndex, clean_text, fold_accents, normalise, thai_words, words
from knowledge.questions import looks_like_question
from knowledge.schema import DEFAULT_LANG
from knowledge.thai import unspaced

KEYWORD_SLACK = 2.0  # keeps one or two stray shared words from scoring high
KEYWORD_MIN_MASS = 1.5
SURE_FAQ = 90.0  # a sample question this close needs no cue words
CUE_SCORE = 76.0
PREFER_SAMPLE = 60.0  # sample similarity that may pick among topics fitting by cue words
STATEMENT_MARGIN = 10.0  # a statement needs this much more than the FAQ cutoff


class FaqMatch(BaseModel):
    id: str | None
    score: float


@dataclass(frozen=True)
class FaqIndex:
    """The FAQ of one language (plus English), ready for the three readings."""

    samples: list[str]  # every sample question, normalised
    sample_ids: list[str]  # the topic of each
    keywords: PhraseIndex  # content words, keyed by themselves
    keyword_weights: dict[str, dict[str, float]]  # topic -> word -> idf
    cues: PhraseIndex  # every cue word group as a phrase key ``topic#lang#n``
    cue_groups: dict[tuple[str, str], int]  # groups per (topic, language)
    outranks: dict[str, frozenset[str]]
    asking_negations: re.Pattern[str]  # "bisa gak", "or not": dropped before cue words
    off_topic: PhraseIndex


def build_faq_index(kb: Knowledge, lang: str) -> FaqIndex:
    samples: list[str] = []
    sample_ids: list[str] = []
    for entry in kb.faq:
        for question in with_english(entry.questions, lang):
            samples.append(normalise(question))
            sample_ids.append(entry.id)
    keywords, weights = _keywords(kb, lang)
    cues, groups = _cues(kb, lang)
    subjects = with_english(kb.signals_file.off_topic, lang)
    return FaqIndex(
        samples=samples,
        sample_ids=sample_ids,
        keywords=keywords,
        keyword_weights=weights,
        cues=cues,
        cue_groups=groups,
        outranks={entry.id: frozenset(entry.outranks) for entry in kb.faq},
        asking_negations=_asking_negations(with_english(kb.signals_file.asking_negations, lang)),
        off_topic=PhraseIndex(
            {"off_topic": subjects}, token_cutoff=kb.settings.token_cutoff, stems=True
        ),
    )


def _keywords(kb: Knowledge, lang: str) -> tuple[PhraseIndex, dict[str, dict[str, float]]]:
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


def _cues(kb: Knowledge, lang: str) -> tuple[PhraseIndex, dict[tuple[str, str], int]]:
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
        phrases,
        negations,
        token_cutoff=kb.settings.token_cutoff,
        stems=True,
        negation_window=1,
        thai=thai_words(kb.signals_file.thai_rules),
    )
    return index, groups


def _asking_negations(idioms: list[str]) -> re.Pattern[str]:
    """Idioms like "bisa gak" or "or not" (typed with or without accents), found as whole
    words; Thai ones ("หรือไม่") inside a run of letters. They are dropped before cue words
    are read."""
    forms = sorted({f for i in idioms for f in (i, fold_accents(i))}, key=len, reverse=True)
    spaced = [r"\s+".join(map(re.escape, f.split())) for f in forms if not unspaced(f)]
    glued = [re.escape(f) for f in forms if unspaced(f)]
    parts = [rf"(?<!\w)(?:{'|'.join(spaced)})(?!\w)"] if spaced else []
    parts += glued
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)  # (?!): matches nothing


def _keyword_faq(kb: Knowledge, text: str, lang: str) -> tuple[str | None, float]:
    """Share of the text's known content words that belong to one topic (0-100)."""
    index, weights = kb.index(lang).faq.keywords, kb.index(lang).faq.keyword_weights
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


def _cue_topic(
    kb: Knowledge, text: str, lang: str, prefer: str | None = None
) -> tuple[str | None, int]:
    """The FAQ topic whose every cue group appears in the text, in any of the languages
    read. ``prefer`` (the closest sample question's topic) wins if it is among them;
    otherwise the topic with most groups and the most cue words; a full tie is left open."""
    faq = kb.index(lang).faq
    index, groups = faq.cues, faq.cue_groups
    # Groups are aligned across languages (group n means the same in each), so a text
    # mixing languages ("มีclientบ้าง ยกตัวอย่าง") can fill group 0 in one, 1 in another.
    found: dict[str, set[str]] = {}
    evidence: dict[str, int] = {}  # letters of cue words matched, for breaking ties
    text = faq.asking_negations.sub(" ", text)  # "bisa gak" asks; nothing is denied
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
    beaten = {other for topic in full for other in faq.outranks[topic]}
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


def _is_off_topic(kb: Knowledge, text: str, lang: str) -> bool:
    return bool(kb.index(lang).faq.off_topic.find(text))


def match_faq(kb: Knowledge, text: str, lang: str) -> FaqMatch:
    texts, ids = kb.index(lang).faq.samples, kb.index(lang).faq.sample_ids
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
