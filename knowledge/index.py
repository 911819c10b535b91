"""Every index the readers of typed text use, built once at start-up.

``build_indexes`` is called by ``loader.load_knowledge``, so whatever loads the knowledge
(the bot, the CLI, the tests) has every language ready before the first message: the
first owner writing in Thai waits no longer than the hundredth. A ``LanguageIndex``
holds one language's words plus the English ones (owners mix English in everywhere);
each part is built by the module that reads it. Nothing is built lazily or cached behind
a function: ``Knowledge.index(lang)`` only looks the language up.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.business import DescriptionIndex, build_description_index
from knowledge.chatter import build_chatter_index
from knowledge.explain import ExplainIndex, build_explain_index
from knowledge.faq import FaqIndex, build_faq_index
from knowledge.language import build_vocabulary
from knowledge.matching import (
    OptionIndex,
    build_keyword_index,
    build_option_index,
    build_stop_words,
)
from knowledge.model import Knowledge
from knowledge.phrases import PhraseIndex
from knowledge.plausible import KnownWords, build_known_words
from knowledge.questions import QuestionWords, build_question_words
from knowledge.schema import DEFAULT_LANG
from knowledge.triage import build_other_group_index


@dataclass(frozen=True)
class LanguageIndex:
    """Everything read from typed text in one language (plus English)."""

    lang: str
    options: dict[str, OptionIndex]  # question id -> its options' words (matching)
    keywords: dict[str, PhraseIndex]  # question id -> each option's telling words
    description: DescriptionIndex  # business types, signals, served markers
    faq: FaqIndex
    question_words: QuestionWords
    chatter: PhraseIndex
    explain: ExplainIndex  # "what do you mean?" about the current question
    other_group: PhraseIndex  # "the rest", "everyone else" (triage)


@dataclass(frozen=True)
class Indexes:
    """Every language's index, and what is read across languages."""

    languages: dict[str, LanguageIndex]
    vocabulary: dict[str, frozenset[str]]  # word -> languages listing it (language.py)
    known_words: KnownWords  # every word in the knowledge (plausible.py)


def build_index(kb: Knowledge, lang: str, vocabulary: dict[str, frozenset[str]]) -> LanguageIndex:
    stop = build_stop_words(kb, lang)
    # The language's own known words (``vocabulary``) are words, not typos of an option's.
    own = frozenset(word for word, langs in vocabulary.items() if lang in langs)
    return LanguageIndex(
        lang=lang,
        options={qid: build_option_index(kb, qid, lang, own) for qid in kb.questions},
        keywords={qid: build_keyword_index(kb, qid, lang, stop) for qid in kb.questions},
        description=build_description_index(kb, lang),
        faq=build_faq_index(kb, lang),
        question_words=build_question_words(kb, lang),
        chatter=build_chatter_index(kb, lang),
        explain=build_explain_index(kb, lang),
        other_group=build_other_group_index(kb, lang),
    )


def build_indexes(kb: Knowledge) -> Indexes:
    """One ``LanguageIndex`` per declared language (English always among them)."""
    langs = [*kb.languages, *([] if DEFAULT_LANG in kb.languages else [DEFAULT_LANG])]
    vocabulary = build_vocabulary(kb)
    return Indexes(
        languages={lang: build_index(kb, lang, vocabulary) for lang in langs},
        vocabulary=vocabulary,
        known_words=build_known_words(kb),
    )
