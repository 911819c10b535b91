"""Is a typed text a question, and how surely? (``question_strength``)

A question mark or an opening question word ("what", "how", "neden") makes it surely a
question; an opening auxiliary ("is it …"), a later clause that asks ("i sell on
shopify, are those clients") or a question word mid-sentence where the language asks
that way makes it maybe one. Thai asks with particles anywhere in a run of letters
(see ``thai.asks``). The words come from signals.yaml, per language plus English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from knowledge.model import Knowledge, with_english
from knowledge.phrases import normalise, split_clauses, thai_words, words
from knowledge.thai import ThaiWords, asks, unspaced


class QuestionStrength(IntEnum):
    STATEMENT = 0
    MAYBE = 1  # "is it …", a later clause asks, a question word mid-sentence
    SURE = 2  # "?" anywhere, or it opens with what/how/why …


@dataclass(frozen=True)
class QuestionWords:
    """The question words of one language (plus English), normalised."""

    strong: frozenset[tuple[str, ...]]  # open a question: "what", "how"
    weak: frozenset[tuple[str, ...]]  # open questions and answers alike: "is", "are"
    inside: dict[str, list[tuple[str, ...]]]  # ask mid-sentence, by their first word
    indefinite_endings: frozenset[str]  # "kim ucuzsa": whoever, not who
    endings: frozenset[str]  # end a question: Turkish "mi"
    thai: ThaiWords


def build_question_words(kb: Knowledge, lang: str) -> QuestionWords:
    sf = kb.signals_file
    inside: dict[str, list[tuple[str, ...]]] = {}
    for phrase in with_english(sf.question_words_inside, lang):
        tokens = tuple(words(phrase))
        if tokens:
            inside.setdefault(tokens[0], []).append(tokens)
    return QuestionWords(
        strong=frozenset(tuple(words(w)) for w in with_english(sf.question_words, lang)),
        weak=frozenset(tuple(words(w)) for w in with_english(sf.question_auxiliaries, lang)),
        inside=inside,
        indefinite_endings=frozenset(
            normalise(e) for e in with_english(sf.indefinite_endings, lang)
        ),
        endings=frozenset(normalise(w) for w in with_english(sf.question_endings, lang)),
        thai=thai_words(sf.thai_rules),
    )


def has_question_mark(text: str) -> bool:
    return any(mark in text for mark in ("?", "？", "؟"))


def question_strength(kb: Knowledge, text: str, lang: str) -> QuestionStrength:
    """How surely ``text`` is a question (see ``QuestionStrength``)."""
    if has_question_mark(text):
        return QuestionStrength.SURE
    qw = kb.index(lang).question_words
    strong, weak, ever = qw.strong, qw.weak, qw.indefinite_endings
    opening = (QuestionStrength.SURE, QuestionStrength.MAYBE)  # in the first clause, later
    found_inside = False
    for n, clause in enumerate(split_clauses(text)):
        if unspaced(clause):
            # Thai asks with particles anywhere in the run of letters ("…ไหม", "อะไร").
            joined = normalise(clause).replace(" ", "")
            if any(asks(w[0], joined, qw.thai) for w in strong):
                return opening[n > 0]
            if any(asks(w[0], joined, qw.thai) for w in weak):
                found_inside = True  # "วิธีใช้" (how to use) also sits inside answers
        tokens = words(clause)
        if len(tokens) > 1 and tokens[-1] in qw.endings:
            return opening[n > 0]
        if any(_asks_at(tokens, 0, s, ever) for s in strong if len(tokens) > len(s)):
            return opening[n > 0]
        if any(tuple(tokens[: len(s)]) == s for s in weak if len(tokens) > len(s)):
            return QuestionStrength.MAYBE
        # Turkish, Indonesian, Russian… often ask mid-sentence ("clientlar neden …",
        # "usaha jenis apa …"): weaker evidence, and only with the words listed for it —
        # English "when they call, we help" is no question.
        for i in range(1, len(tokens)):
            if any(_asks_at(tokens, i, s, ever) for s in qw.inside.get(tokens[i], ())):
                found_inside = True
        if n > 0 and tuple(tokens) in strong:  # "…, explain": a closing word of its own
            found_inside = True
    return QuestionStrength.MAYBE if found_inside else QuestionStrength.STATEMENT


def looks_like_question(kb: Knowledge, text: str, lang: str) -> bool:
    return question_strength(kb, text, lang) > QuestionStrength.STATEMENT


def _asks_at(tokens: list[str], at: int, phrase: tuple[str, ...], ever: frozenset[str]) -> bool:
    """``phrase`` (a question word) stands at ``at`` and is not made "whoever/whatever" by
    the ending of one of the next two words (Turkish "kim ucuzsa", Russian "что угодно")."""
    end = at + len(phrase)
    if tuple(tokens[at:end]) != phrase:
        return False
    return not any(word.endswith(e) for word in tokens[end : end + 2] for e in ever)
