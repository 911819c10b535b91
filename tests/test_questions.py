"""Is a typed text a question, and how surely (knowledge/questions.py)."""

from __future__ import annotations

import pytest

from knowledge.faq import faq_for
from knowledge.loader import default_knowledge
from knowledge.questions import QuestionStrength, looks_like_question, question_strength

KB = default_knowledge()


@pytest.mark.parametrize(
    ("lang", "answer", "question"),
    [
        ("tr", "kim ucuzsa ona gidiyorlar", "kim daha ucuz"),
        ("tr", "ne isterlerse yapıyoruz", "ne istiyorlar"),
        ("ru", "кто угодно может прийти", "кто такой клиент"),
    ],
)
def test_whoever_and_whatever_are_answers(lang: str, answer: str, question: str) -> None:
    assert question_strength(KB, answer, lang) == 0
    assert question_strength(KB, question, lang) == 2


@pytest.mark.parametrize(
    "text",
    [
        "ใครมาก็ได้แบบเดียวกัน",
        "ร้านไหนถูกกว่าก็ไปร้านนั้น",
        "ไม่มีใครเซ็นหรอก",  # nobody signs
        "แล้วแต่ลูกค้าอยากได้แบบไหน",  # whichever the customer wants
    ],
)
def test_thai_whoever_and_whichever_are_not_questions(text: str) -> None:
    # ใคร/ไหน + ก็ mean "whoever"/"whichever" — an answer, not "who?"/"which?".
    assert question_strength(KB, text, "th") == 0
    assert question_strength(KB, "ร้านไหนถูกกว่าคะ", "th") == 2


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("มี client แล้วได้ประโยชน์อะไร", 2),
        # วิธี ("how to") also sits inside answers ("ถามวิธีใช้"): a weaker sign.
        ("วิธีเปลี่ยนคัสโตเมอร์เป็นไคลเอนต์", 1),
    ],
)
def test_thai_questions_without_a_final_particle(text: str, strength: int) -> None:
    assert question_strength(KB, text, "th") == strength
    assert faq_for(KB, text, "th") is not None


def test_thai_particles_still_ask_after_no() -> None:
    assert question_strength(KB, "ไม่มีสัญญาไหม", "th") == 2


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("what is a client?", QuestionStrength.SURE),
        ("how do clients differ from customers", QuestionStrength.SURE),
        ("is it the same", QuestionStrength.MAYBE),
        ("i sell on shopify, are those clients", QuestionStrength.MAYBE),
        ("we sign contracts", QuestionStrength.STATEMENT),
    ],
)
def test_question_strength_is_named(text: str, strength: QuestionStrength) -> None:
    found = question_strength(KB, text, "en")
    assert isinstance(found, QuestionStrength)
    assert found is strength
    assert looks_like_question(KB, text, "en") == (strength is not QuestionStrength.STATEMENT)
