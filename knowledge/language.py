"""Which of the bot's languages a typed description is written in.

``detect_language`` is pure and deterministic. The script decides first (Thai letters →
th, Cyrillic → ru); Latin-script text is then read for its vocabulary: every word the
knowledge files list for a language (answer synonyms, business names, signal phrases,
negations, question words …) counts for that language, shared words split their vote,
and the letters only one or two of them use (Turkish ğ/ı, Romanian ă/ț, listed in
signals.yaml ``language_letters``) count double. Without any evidence the caller's
``default`` (the interface language) stands.
"""

from __future__ import annotations

import re

from knowledge.model import Knowledge
from knowledge.phrases import normalise, words
from knowledge.schema import DEFAULT_LANG
from knowledge.thai import THAI

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# A letter only some languages use says more than one shared word.
LETTER_WEIGHT = 2.0


def build_vocabulary(kb: Knowledge) -> dict[str, frozenset[str]]:
    """Every known word -> the languages that list it (Latin-script languages only);
    built once at start-up (``knowledge.index``)."""
    by_word: dict[str, set[str]] = {}

    def add(lang: str, texts: list[str]) -> None:
        for text in texts:
            if THAI.search(text) or _CYRILLIC.search(text):
                continue
            for word in words(text.replace("…", " ")):
                if not word.isdigit():
                    by_word.setdefault(word, set()).add(lang)

    sf = kb.signals_file
    lists = [sf.negations, sf.question_words, sf.question_auxiliaries, sf.served_markers,
             sf.question_words_inside, sf.split_markers, sf.contrast_words, sf.chatter,
             sf.other_group_markers, kb.questions_file.not_sure_synonyms]  # fmt: skip
    lists += [s.phrases for s in sf.signals]
    lists += [b.synonyms for b in kb.businesses]
    for question in kb.questions.values():
        for option in question.options:
            lists += [option.synonyms, {k: [v] for k, v in option.label.items()}]
    for texts in lists:
        for lang, items in texts.items():
            add(lang, items)
    return {word: frozenset(langs) for word, langs in by_word.items()}


def detect_language(kb: Knowledge, text: str, default: str = DEFAULT_LANG) -> str:
    """The language ``text`` is most likely written in; ``default`` when nothing tells."""
    if THAI.search(text) and "th" in kb.languages:
        return "th"
    if _CYRILLIC.search(text) and "ru" in kb.languages:
        return "ru"
    score: dict[str, float] = {}
    folded = text.casefold()
    for lang, letters in kb.signals_file.language_letters.items():
        hits = sum(folded.count(letter.casefold()) for letter in letters)
        if hits:
            score[lang] = score.get(lang, 0.0) + LETTER_WEIGHT * hits
    vocabulary = kb.indexes.vocabulary
    for word in words(normalise(text)):
        langs = vocabulary.get(word)
        if langs:
            for lang in langs:
                score[lang] = score.get(lang, 0.0) + 1.0 / len(langs)
    score = {lang: s for lang, s in score.items() if lang in kb.languages}
    if not score:
        return default
    best = max(score.values())
    tied = [lang for lang, s in score.items() if s == best]
    if default in tied:
        return default
    # A full tie between others: the order of the languages in the knowledge files.
    return next(lang for lang in kb.languages if lang in tied)
