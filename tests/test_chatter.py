"""The owner stepping away mid-chat is not an answer (knowledge/chatter.py)."""

from __future__ import annotations

import pytest

from knowledge.chatter import is_chatter
from knowledge.interpret import interpret_answer
from knowledge.loader import default_knowledge

KB = default_knowledge()


@pytest.mark.parametrize(
    ("lang", "question", "text"),
    [
        ("en", "purchase_pattern", "sorry, a customer just came in, I'll be right back"),
        ("en", "exclusivity", "sorry wait a customer just came in"),  # no commas
        ("ro", "support", "stai putin ca a intrat cineva in magazin"),
        ("ro", "purchase_pattern", "scuze, revin imediat"),  # revin = "they come back" too
        ("id", "support", "bentar ya kak ada pembeli dateng"),  # ya = "yes"
        ("ru", "relationship", "подождите, клиент пришел"),
        ("th", "support", "รอแป๊บนะคะ ลูกค้าเข้ามาพอดี"),
    ],
)
def test_stepping_away_is_not_an_answer(lang: str, question: str, text: str) -> None:
    assert interpret_answer(KB, question, text, lang).kind == "away"


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        # "wait" inside an answer is no stepping away.
        ("en", "sales_cycle", "they usually wait 2 weeks before buying", "days_weeks"),
        ("id", "sales_cycle", "pelanggan biasanya tunggu 2 minggu", "days_weeks"),
    ],
)
def test_answers_that_merely_contain_a_chatter_word(
    lang: str, question: str, text: str, option: str
) -> None:
    meaning = interpret_answer(KB, question, text, lang)
    assert (meaning.kind, meaning.option) == ("option", option)


def test_a_question_after_wait_is_answered() -> None:
    meaning = interpret_answer(KB, "support", "wait, what counts as a contract?", "en")
    assert (meaning.kind, meaning.faq) == ("faq", "why_contracts")
    # At the contract question itself it asks what that question means (issue 12 §5).
    meaning = interpret_answer(KB, "contract", "wait, what counts as a contract?", "en")
    assert meaning.kind == "explain"


@pytest.mark.parametrize(
    ("text", "chatter"),
    [
        ("wait, a customer just came in", True),
        ("ok wait a sec", True),
        ("they usually wait two weeks before paying", False),
    ],
)
def test_a_chatter_phrase_counts_where_it_stands(text: str, chatter: bool) -> None:
    assert is_chatter(KB, text, "en") is chatter
