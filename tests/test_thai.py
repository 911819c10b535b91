"""Thai, read without spaces between words (knowledge/thai.py)."""

from __future__ import annotations

import pytest

from knowledge.business import find_signals
from knowledge.loader import default_knowledge
from knowledge.phrases import thai_words
from knowledge.thai import ThaiWords, asks, negation_near, unspaced

KB = default_knowledge()


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("ลูกค้าไม่เยอะแต่มีสัญญาทุกราย", False),  # "not many customers, but all sign"
        ("ไม่ว่าใครก็เซ็นสัญญา", False),  # "no matter who, they sign"
        ("ไม่มีสัญญา", True),
    ],
)
def test_thai_negation_stops_at_but(text: str, negated: bool) -> None:
    options = {s.option for s in find_signals(KB, text, "th") if s.question == "contract"}
    assert options == ({"never"} if negated else {"usually"})


def test_the_thai_rule_words_come_from_the_knowledge_files() -> None:
    rules = thai_words(KB.signals_file.thai_rules)
    assert "แต่" in rules.negation_stops and "ใคร" in rules.pronouns
    # Without its indefinite words, ใคร…ก็ ("whoever") would read as "who?".
    assert not asks("ใคร", "ใครก็ได้", rules)
    assert asks("ใคร", "ใครก็ได้", ThaiWords(pronouns=rules.pronouns))


def test_a_negation_does_not_reach_across_a_stop_word() -> None:
    rules = ThaiWords(negation_stops=("แต่",), no_matter=("ไม่ว่า",))
    assert negation_near("ไม่เคย", ["ไม่"], rules)
    assert not negation_near("ไม่เยอะแต่", ["ไม่"], rules)
    assert not negation_near("ไม่ว่า", ["ไม่"], rules)
    assert negation_near("ไม่เยอะแต่", ["ไม่"], ThaiWords())


def test_only_thai_is_read_without_spaces() -> None:
    assert unspaced("มีclientบ้าง") and not unspaced("no spaces") and not unspaced("без")
