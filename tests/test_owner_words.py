"""The words owners actually use for the two kinds of buyer (issue 10): "companies sign,
private people don't", "corporate customer", "our accounts", B2B/B2C, in every language."""

from __future__ import annotations

import pytest

from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.loader import default_knowledge

KB = default_knowledge()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "companies sign, private people don't"),
        ("en", "businesses sign, individuals dont"),
        ("id", "perusahaan tanda tangan, perorangan nggak"),
        ("id", "kalau perusahaan pakai kontrak, kalau perorangan nggak"),
        ("th", "บริษัทเซ็น คนทั่วไปไม่เซ็น"),
        ("th", "นิติบุคคลเซ็น บุคคลธรรมดาไม่"),
        ("tr", "şirketler imzalıyor, bireyseller imzalamıyor"),
        ("tr", "firmalar sözleşme yapıyor, şahıslar yapmıyor"),
        ("ru", "компании подписывают, частные лица нет"),
        ("ru", "с организациями договор, с частниками нет"),
        ("ro", "firmele semnează, persoanele fizice nu"),
        ("ro", "cu firmele avem contract, cu persoanele fizice nu"),
    ],
)
def test_companies_sign_private_people_dont_is_sometimes(lang: str, text: str) -> None:
    # The most natural way to say "Sometimes" to the contract question: taken, not merely
    # offered for confirmation (a guess just under the take line).
    meaning = interpret_answer(KB, "contract", text, lang)
    assert (meaning.kind, meaning.option) == ("option", "sometimes")


@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        ("en", "how do i turn a regular customer into a corporate one?", "customers_to_clients"),
        ("ro", "cum fac din clienții obișnuiți clienți cu contract", "customers_to_clients"),
        # The old Turkish term is gone from the screens but still understood when typed.
        ("tr", "danışan ile müşteri farkı ne", "difference"),
        ("tr", "sürekli müşterimi kurumsal müşteriye nasıl çeviririm", "customers_to_clients"),
        ("tr", "sözleşmeli müşteri neden daha iyi", "why_prefer_clients"),
        ("th", "จะเปลี่ยนลูกค้าประจำให้เป็นลูกค้าองค์กรได้ยังไง", "customers_to_clients"),
        ("th", "ธุรกิจแบบไหนมีลูกค้าองค์กร", "client_examples"),
    ],
)
def test_everyday_words_for_the_two_buyers_find_the_faq(lang: str, text: str, topic: str) -> None:
    assert faq_for(KB, text, lang) == topic
