"""The words owners actually use for the two kinds of buyer (issue 10): "companies sign,
private people don't", "corporate customer", "our accounts", B2B/B2C, in every language."""

from __future__ import annotations

import pytest

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
