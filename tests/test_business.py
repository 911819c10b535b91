"""Business types and signals named in a description (knowledge/business.py)."""

from __future__ import annotations

from knowledge.business import (
    FoundSignal,
    business_matches,
    read_description,
    signal_answers,
)
from knowledge.loader import default_knowledge

KB = default_knowledge()


def test_who_a_thai_business_serves_is_not_its_trade() -> None:
    # ให้ ("for") is glued to the next word in Thai: the contractors are served, not the trade.
    named = [b.id for b in business_matches(KB, "ร้านวัสดุก่อสร้าง ส่งของประจำให้ผู้รับเหมา", "th")]
    assert "builder" not in named and named
    assert "builder" in [b.id for b in business_matches(KB, "ผู้รับเหมาก่อสร้าง", "th")]


def test_signals_that_disagree_about_a_question_leave_it_open() -> None:
    def signal(question: str, option: str) -> FoundSignal:
        return FoundSignal(id="x", question=question, option=option, phrase="x", negated=False)

    both = [signal("contract", "usually"), signal("contract", "never"), signal("support", "yes")]
    assert signal_answers(both) == {"support": "yes"}


def test_a_business_name_is_not_read_as_a_signal_too() -> None:
    named, signals = read_description(KB, "advertising agency", "en")
    assert [b.id for b in named] and not [s for s in signals if s.phrase == "advertising"]
