"""Every language's index is built once, at start-up, and never behind a reader's back
(knowledge/index.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from dialogs.engine import Engine
from knowledge import index
from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.language import detect_language
from knowledge.loader import default_knowledge, load_knowledge
from knowledge.model import Knowledge
from knowledge.plausible import description_problem
from knowledge.triage import triage


def test_start_up_builds_every_language_index_exactly_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: Counter[str] = Counter()
    real = index.build_index

    def counting(kb: Knowledge, lang: str, *rest: Any) -> index.LanguageIndex:
        built[lang] += 1
        return real(kb, lang, *rest)

    monkeypatch.setattr(index, "build_index", counting)
    kb = load_knowledge(cached=False)  # a start without the cache (knowledge/cache.py)
    assert built == Counter(dict.fromkeys(kb.languages, 1))
    # Reading text in every language afterwards builds nothing more.
    classifying = [q for q, question in kb.questions.items() if question.kind == "choice"]
    for lang in kb.languages:
        interpret_answer(kb, "contract", "we never sign anything", lang)
        triage(kb, "bakery, walk-ins and a few catering contracts", lang, classifying)
        faq_for(kb, "do online shops have clients?", lang)
        detect_language(kb, "we sell cakes", lang)
        description_problem(kb, "we sell cakes and coffee to people walking by " * 3)
    assert built == Counter(dict.fromkeys(kb.languages, 1))


def test_the_bot_start_up_path_has_every_index_ready() -> None:
    kb = Engine.default().kb
    assert kb is default_knowledge()
    assert set(kb.indexes.languages) == set(kb.languages)
    assert all(kb.index(lang).lang == lang for lang in kb.languages)


def test_a_language_the_files_do_not_declare_reads_like_english() -> None:
    kb = default_knowledge()
    assert kb.index("xx") is kb.index("en")


def test_indexes_are_set_once() -> None:
    kb = default_knowledge()
    with pytest.raises(RuntimeError):
        kb.set_indexes(kb.indexes)
