"""Turns a typed answer into one of a question's options, or admits it cannot.

Order of evidence, strongest first:
1. the option's number as shown ("2"), counting "Not sure" as the last option;
2. the exact label or a listed synonym, after normalising (case, accents, punctuation);
3. a close spelling of a label or synonym (rapidfuzz ``ratio``; catches "somtimes");
4. a synonym phrase contained word-for-word in a longer sentence
   ("only under contract" contains "under contract").
Two different options scoring within ``TIE_MARGIN`` of each other are reported as
ambiguous instead of guessed, so the dialog can ask "did you mean A or B?".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from knowledge.model import NOT_SURE, Knowledge, pick, pick_list

FUZZY_CUTOFF = 82.0
TIE_MARGIN = 4.0
_NON_WORD = re.compile(r"[^\w\s?]+")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefold, drop accents and punctuation, squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _NON_WORD.sub(" ", bare.replace("’", "'").replace("'", ""))
    return _SPACES.sub(" ", bare).strip()


@dataclass(frozen=True)
class OptionMatch:
    option: str | None
    score: float
    alternatives: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.option is None and len(self.alternatives) >= 2


@dataclass(frozen=True)
class _Index:
    option_ids: tuple[str, ...]
    phrases: dict[str, str]  # normalised phrase -> option id


@cache
def _index(kb: Knowledge, question_id: str, lang: str) -> _Index:
    question = kb.questions[question_id]
    phrases: dict[str, str] = {}
    ids: list[str] = []
    for option in question.options:
        ids.append(option.id)
        for phrase in [pick(option.label, lang), *pick_list(option.synonyms, lang)]:
            phrases.setdefault(normalise(phrase), option.id)
        if lang != "en":  # English words are understood everywhere
            for phrase in [option.label["en"], *option.synonyms.get("en", [])]:
                phrases.setdefault(normalise(phrase), option.id)
    ids.append(NOT_SURE)
    not_sure_texts = [
        pick(kb.questions_file.not_sure, lang),
        pick(kb.questions_file.skip, lang),
        *pick_list(kb.questions_file.not_sure_synonyms, lang),
    ]
    for phrase in not_sure_texts:
        phrases.setdefault(normalise(phrase), NOT_SURE)
    return _Index(option_ids=tuple(ids), phrases=phrases)


def match_option(kb: Knowledge, question_id: str, text: str, lang: str) -> OptionMatch:
    index = _index(kb, question_id, lang)
    norm = normalise(text)
    if not norm:
        return OptionMatch(None, 0.0)
    if norm.isdigit():
        n = int(norm)
        if 1 <= n <= len(index.option_ids):
            return OptionMatch(index.option_ids[n - 1], 100.0)
        return OptionMatch(None, 0.0)
    if norm in index.phrases:
        return OptionMatch(index.phrases[norm], 100.0)

    best: dict[str, float] = {}
    for phrase, score, _ in process.extract(
        norm, index.phrases.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8
    ):
        oid = index.phrases[phrase]
        best[oid] = max(best.get(oid, 0.0), score)
    if not best and " " in norm:
        # Longer sentence: look for a listed phrase inside it, word for word.
        padded = f" {norm} "
        for phrase, oid in index.phrases.items():
            if len(phrase) >= 3 and f" {phrase} " in padded:
                score = 80.0 + min(len(phrase), 19)
                best[oid] = max(best.get(oid, 0.0), score)
    if not best:
        return OptionMatch(None, 0.0)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top_id, top_score = ranked[0]
    if len(ranked) > 1 and top_score - ranked[1][1] < TIE_MARGIN:
        return OptionMatch(None, top_score, (top_id, ranked[1][0]))
    return OptionMatch(top_id, top_score)
