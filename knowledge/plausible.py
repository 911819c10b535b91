"""Is a typed text a business description at all, or a keyboard mash?

Language-neutral checks, thresholds in classifier.yaml (``description_check``):

* ``symbols``: too few letters among the characters ("!!!???", "12345 678");
* ``giant_word``: one endless word holding most of the letters ("asdkjhaskjdhaksjd…"),
  judged only in scripts written with spaces — a Thai sentence is one long run;
* ``repeats``: most of the text is one short chunk repeated ("aaaaaa", "asdfasdfasdf");
* ``unrecognised``: a longer text in which almost no word occurs anywhere in the
  knowledge files, in any language (random letters, random unicode). Thai is read by
  letter triples, since its words are not separated.

A real description, however long and in whichever of the languages, uses everyday
words ("we", "sell", "и", "ve", "ที่") that the knowledge files are full of.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from knowledge.model import Knowledge
from knowledge.phrases import normalise
from knowledge.thai import unspaced

Problem = Literal["symbols", "giant_word", "repeats", "unrecognised"]

# A chunk of 1–8 characters said four times or more in a row.
_REPEATS = re.compile(r"(.{1,8}?)\1{3,}", re.DOTALL)


def _is_letter(char: str) -> bool:
    # Marks count: Thai vowels and tone marks are combining marks (Mn).
    return unicodedata.category(char)[0] in "LM"


def _strings(node: object) -> Iterator[str]:
    """Every text in the knowledge, in every language (ids and codes come along; harmless)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _strings(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


def _triples(word: str) -> Iterator[str]:
    for i in range(len(word) - 2):
        yield word[i : i + 3]


@dataclass(frozen=True)
class KnownWords:
    words: frozenset[str]
    stems: frozenset[str]
    triples: frozenset[str]  # of Thai runs


def build_known_words(kb: Knowledge) -> KnownWords:
    """Every word of the knowledge files; built once at start-up (``knowledge.index``)."""
    stem = kb.settings.description_check.stem_letters
    words: set[str] = set()
    triples: set[str] = set()
    for field in dataclasses.fields(kb):
        if not field.init:
            continue  # derived indexes repeat what the files hold
        for text in _strings(getattr(kb, field.name)):
            for word in normalise(text).split():
                if unspaced(word):
                    triples.update(_triples(word))
                else:
                    words.add(word)
    stems = {w[:stem] for w in words if len(w) >= stem}
    return KnownWords(frozenset(words), frozenset(stems), frozenset(triples))


def _known_share(kb: Knowledge, text: str) -> float | None:
    """Share of the words (Thai: letter triples) found in the knowledge; None if none."""
    vocabulary = kb.indexes.known_words
    stem = kb.settings.description_check.stem_letters

    def known_word(word: str) -> bool:
        return word in vocabulary.words or (len(word) > stem and word[:stem] in vocabulary.stems)

    known = total = 0
    for token in text.split():
        # A typed word is one unit even when punctuation splits it ("e-commerce"), so
        # the letter pairs of random "a8#Kd;x" do not pass for known two-letter words.
        pieces = [p for p in normalise(token).split() if not p.isdigit()]
        if not pieces:
            continue  # "10", "+": numbers and signs are neither words nor noise
        if unspaced(token):
            for triple in (t for p in pieces for t in _triples(p)):
                total += 1
                known += triple in vocabulary.triples
        else:
            total += 1
            known += all(known_word(p) for p in pieces)
    return known / total if total else None


def description_problem(kb: Knowledge, text: str) -> Problem | None:
    """Why ``text`` cannot be a business description, or None when it may well be one."""
    rules = kb.settings.description_check
    visible = "".join(text.split())
    if not visible:
        return None  # empty text has its own message
    letters = sum(_is_letter(c) for c in visible)
    if letters / len(visible) < rules.min_letter_share:
        return "symbols"
    longest = max(
        (sum(_is_letter(c) for c in token) for token in text.split() if not unspaced(token)),
        default=0,
    )
    if longest > rules.max_word_letters and longest / letters >= rules.giant_word_share:
        return "giant_word"
    folded = text.casefold()
    repeated = sum(m.end() - m.start() for m in _REPEATS.finditer(folded))
    if repeated / len(folded) > rules.max_repeat_share:
        return "repeats"
    if letters >= rules.check_words_from:
        share = _known_share(kb, text)
        if share is not None and share < rules.min_known_share:
            return "unrecognised"
    return None
