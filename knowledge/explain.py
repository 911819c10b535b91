"""Is a typed text asking what the current question means? (``asks_to_explain``)

"What do you mean?", "why are you asking this?", "I don't understand the question" and
"what counts as a contract?" (at the contract question) ask about the question on
screen, not about a FAQ topic: the bot explains the question (questions.yaml
``explain`` and each option's ``example``) and asks it again.

A text asks that when it holds one of the cue phrases of signals.yaml (``explain_cues``)
and the rest of it is either filler (``explain_fillers``: "please", "by that") or, in a
question, names the current question itself: a telling word of its text, hint, options
or explanation. A text naming anything else — the two kinds of buyer ("what do you mean
by client?"), another question's subject ("what counts as a contract?" while the
question is about support) — is left to the FAQ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from knowledge.model import Knowledge, with_english
from knowledge.phrases import PhraseIndex, normalise, words
from knowledge.questions import QuestionStrength, question_strength
from knowledge.thai import unspaced

# A word names a question only when it is this long (shorter ones are "a", "do", "you")
# and turns up in the wording of fewer than COMMON_IN questions.
MIN_TOPIC_LETTERS = 4
COMMON_IN = 5
# Thai has no spaces: a run of this many letters shared with the question's wording (and
# as rare as above) names it.
THAI_TOPIC_LETTERS = 4


@dataclass(frozen=True)
class ExplainIndex:
    """The cue phrases, fillers and each question's telling words of one language."""

    cues: PhraseIndex
    fillers: PhraseIndex  # filler words and phrases ("please", "vă rog")
    thai_fillers: tuple[str, ...]  # unspaced fillers, longest first
    terms: PhraseIndex  # the words for client and customer: a question about them is FAQ
    topics: dict[str, PhraseIndex]  # question id -> its telling words
    thai_topics: dict[str, frozenset[str]]  # question id -> its rare Thai letter runs


def _wording(kb: Knowledge, question_id: str, lang: str) -> list[str]:
    """Everything the owner reads about a question, in ``lang`` and English."""
    q = kb.questions[question_id]
    texts = [q.text, q.explain, *([q.hint] if q.hint else []), *(o.label for o in q.options)]
    return [t[code] for t in texts for code in dict.fromkeys((lang, "en")) if code in t]


def _terms(kb: Knowledge, lang: str) -> list[str]:
    g = kb.glossary
    return [
        term[code]
        for term in (g.client.term, g.customer.term)
        for code in dict.fromkeys((lang, "en"))
        if code in term
    ]


def _grams(text: str, size: int) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def build_explain_index(kb: Knowledge, lang: str) -> ExplainIndex:
    sf = kb.signals_file
    fillers = [normalise(f) for f in with_english(sf.explain_fillers, lang)]
    terms = _terms(kb, lang)
    term_words = {w for t in terms for w in words(t)}
    spaced: dict[str, set[str]] = {}
    thai: dict[str, set[str]] = {}
    for qid in kb.questions:
        norm = [normalise(t) for t in _wording(kb, qid, lang)]
        spaced[qid] = {
            w
            for t in norm
            for w in t.split()
            if len(w) >= MIN_TOPIC_LETTERS and not unspaced(w) and w not in term_words
        }
        thai[qid] = {
            g
            for t in norm
            for w in t.split()
            if unspaced(w)
            for g in _grams(_without(w, terms), THAI_TOPIC_LETTERS)
        }
    spread = Counter(w for found in spaced.values() for w in found)
    thai_spread = Counter(g for found in thai.values() for g in found)
    cutoff = kb.settings.token_cutoff
    return ExplainIndex(
        cues=PhraseIndex({"cue": with_english(sf.explain_cues, lang)}, token_cutoff=cutoff),
        fillers=PhraseIndex(
            {"filler": [f for f in fillers if not unspaced(f)]}, token_cutoff=cutoff
        ),
        thai_fillers=tuple(sorted((f for f in fillers if unspaced(f)), key=len, reverse=True)),
        terms=PhraseIndex({"term": terms}, token_cutoff=cutoff, stems=True),
        topics={
            # Exact words, plurals and other endings only: a typo-tolerant match would take
            # "contract" for the "contact" of another question.
            qid: PhraseIndex(
                {w: [w] for w in found if spread[w] < COMMON_IN}, token_cutoff=100, stems=True
            )
            for qid, found in spaced.items()
        },
        thai_topics={
            qid: frozenset(g for g in found if thai_spread[g] < COMMON_IN)
            for qid, found in thai.items()
        },
    )


def _without(text: str, parts: list[str] | tuple[str, ...]) -> str:
    for part in parts:
        text = text.replace(normalise(part), " ")
    return text


def asks_to_explain(kb: Knowledge, question_id: str, text: str, lang: str) -> bool:
    """The text asks what the question ``question_id`` means (see the module docstring)."""
    index = kb.index(lang).explain
    tokens = words(text)
    cues = index.cues.find(text)
    if not cues:
        return False
    covered = {
        i
        for hit in [*cues, *index.fillers.find(text)]
        if not unspaced(tokens[hit.start])
        for i in range(hit.start, hit.end)
    }
    rest: list[str] = []
    for i, token in enumerate(tokens):
        if unspaced(token):
            # Thai: the cue and the fillers are letters inside the run, not words.
            left = _without(_without(token, [h.phrase for h in cues]), index.thai_fillers)
            rest += left.split()
        elif i not in covered:
            rest.append(token)
    if not rest:
        return True
    # Something besides the cue: only a question about this very question is explained.
    if question_strength(kb, text, lang) != QuestionStrength.SURE:
        return False
    leftover = " ".join(rest)
    if index.terms.find(leftover):
        return False  # "what do you mean by client?" asks the FAQ
    if index.topics[question_id].find(" ".join(t for t in rest if not unspaced(t))):
        return True
    thai = index.thai_topics[question_id]
    return any(g in thai for t in rest if unspaced(t) for g in _grams(t, THAI_TOPIC_LETTERS))
