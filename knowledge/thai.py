"""Thai, written without spaces between words: every rule that reads it differently.

After normalising, one Thai "word" is a whole run of words, so Thai phrases are found as
substrings (``unspaced``), a negation is looked for in the letters just before a phrase
(``negation_near``) and a question word is judged inside the run (``asks``). The words
these rules use are data (signals.yaml ``thai_rules``, normalised into ``ThaiWords``).

The one exception is ``SPELLING_VARIANTS``: ``phrases.normalise`` applies them to every
text before any knowledge is at hand (commands, stored keys), the way it folds accents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THAI = re.compile("[\u0e00-\u0e7f]")
# Letters (with marks) around a Thai word that still belong to it.
REACH = 12
# How far (in letters) a second business may follow a served one and still be listed
# with it: และ, กับ, หรือ.
LIST_GAP = 4
# Spellings that meet before matching: the repetition mark ๆ is dropped ("ผสมๆกัน" ~
# "ผสมกัน"), and the chat spellings of the question particle ไหม meet it.
SPELLING_VARIANTS = {"ๆ": "", "มั้ย": "ไหม", "มั๊ย": "ไหม", "ไม๊": "ไหม"}


def unspaced(text: str) -> bool:
    """Scripts written without spaces between words (Thai): phrases are found as
    substrings instead of word by word."""
    return THAI.search(text) is not None


@dataclass(frozen=True)
class ThaiWords:
    """signals.yaml ``thai_rules``, normalised like typed text (``phrases.thai_words``)."""

    negation_stops: tuple[str, ...] = ()
    no_matter: tuple[str, ...] = ()
    pronouns: tuple[str, ...] = ()
    indefinite_after: tuple[str, ...] = ()
    indefinite_before: tuple[str, ...] = ()
    indefinite_wider: tuple[str, ...] = ()


def negation_near(before: str, negations: list[str], thai: ThaiWords) -> bool:
    """A negation in the letters just before a phrase ("ไม่เคยลงโฆษณา", never ran ads),
    not cut off by a stop word (แต่ "but") and not part of "no matter" (ไม่ว่า)."""
    near = before[-REACH:]
    for phrase in thai.no_matter:
        near = near.replace(phrase, " ")
    for stop in thai.negation_stops:
        cut = near.rfind(stop)
        if cut >= 0:
            near = near[cut + len(stop) :]
    return any(n in near for n in negations)


def asks(word: str, joined: str, thai: ThaiWords) -> bool:
    """The question word ``word`` asks somewhere in the run ``joined``: not made
    "whoever / nothing / whichever" around it (ใคร…ก็, ไม่มีใคร, แล้วแต่…แบบไหน)."""
    if not unspaced(word):
        return False
    pronoun = any(p in word for p in thai.pronouns)
    at = joined.find(word)
    while at >= 0:
        after = joined[at + len(word) : at + len(word) + REACH]
        near = joined[max(0, at - REACH) : at]
        wider = joined[max(0, at - 2 * REACH) : at]
        indefinite = pronoun and (
            any(w in after for w in thai.indefinite_after)
            or any(w in near for w in thai.indefinite_before)
            or any(w in wider for w in thai.indefinite_wider)
        )
        if not indefinite:
            return True
        at = joined.find(word, at + 1)
    return False
