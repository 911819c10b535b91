"""Typed answers: numbers, labels, synonyms, typos, phrases, ties and nonsense."""

from __future__ import annotations

import pytest

from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.matching import match_option, normalise
from knowledge.model import Knowledge


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("contract", "1", "usually"),
        ("contract", "4", "not_sure"),
        ("contract", "Yes, usually", "usually"),
        ("contract", "yep", "usually"),
        ("contract", "nope", "never"),
        ("contract", "somtimes", "sometimes"),
        ("contract", "SOMETIMES!!", "sometimes"),
        ("contract", "dunno", "not_sure"),
        ("contract", "only under contract", "usually"),
        ("exclusivity", "they shop arond", "shop_around"),
        ("support", "no, the sale is the end", "none"),
        ("customisation", "bespoke", "tailored"),
        ("sales_cycle", "on the spot", "same_day"),
        ("purchase_pattern", "we have a monthly plan", "ongoing"),
    ],
)
def test_typed_answers(kb: Knowledge, question: str, text: str, expected: str) -> None:
    assert match_option(kb, question, text, "en").option == expected


@pytest.mark.parametrize("text", ["banana", "🍌", "", "   ", "99", "0", "x" * 10_000])
def test_nonsense_is_not_guessed(kb: Knowledge, text: str) -> None:
    assert match_option(kb, "contract", text, "en").option is None


def test_near_tie_asks_instead_of_guessing(kb: Knowledge) -> None:
    result = match_option(kb, "sales_cycle", "weeks or months", "en")
    assert result.option is None and result.ambiguous
    assert set(result.alternatives) == {"days_weeks", "months"}


def test_normalise_strips_case_accents_and_punctuation() -> None:
    assert normalise("  Ça  VA, très bien!! ") == "ca va tres bien"
    assert normalise("don’t") == "dont"


@pytest.mark.parametrize(
    ("question", "text", "never"),
    [
        ("contract", "yes, no exceptions", "never"),
        ("contract", "sure, no problem", "never"),
        ("support", "yes ongoing, never ends", "none"),
        ("customisation", "tailored, never standard", "standard"),
        ("exclusivity", "no, only us", "shop_around"),
        ("exclusivity", "only us, no one else", "shop_around"),
    ],
)
def test_negation_stays_in_its_clause(kb: Knowledge, question: str, text: str, never: str) -> None:
    assert match_option(kb, question, text, "en").option != never


@pytest.mark.parametrize("text", ["፩", "𐩀", "²", "-1", "1" * 5000, "½"])
def test_odd_digits_are_not_option_numbers(kb: Knowledge, text: str) -> None:
    result = match_option(kb, "contract", text, "en")
    assert result.option is None or result.score < 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [("about 1,000 products", "wide"), ("1 000", "wide"), ("like 4 or 5 services", "few")],
)
def test_counts_inside_sentences(kb: Knowledge, text: str, expected: str) -> None:
    assert match_option(kb, "product_range", text, "en").option == expected


def test_two_letter_words_have_no_plural(kb: Knowledge) -> None:
    # Romanian "nu" (no) + s is the not-sure word "nus": "we have no big clients" is no shrug.
    assert interpret_answer(kb, "concentration", "nu avem clienti mari", "ro").option != "not_sure"


@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        # Case endings: "разницы" is "разница" in another case.
        ("ru", "не понимаю разницы между клиентами и покупателями, поясните", "difference"),
    ],
)
def test_inflected_words_meet_their_stem(kb: Knowledge, lang: str, text: str, topic: str) -> None:
    assert faq_for(kb, text, lang) == topic
    assert match_option(kb, "contract", "contact", "en").option != "usually"


# --- yes and no said through a negation, or opening an answer that names another ---


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "I wouldn't say no"), ("ru", "не то чтобы нет"), ("ro", "n-aș zice că nu")],
)
def test_a_negated_no_is_a_hedge_not_a_no(kb: Knowledge, lang: str, text: str) -> None:
    found = match_option(kb, "contract", text, lang)
    assert found.option is None
    assert found.alternatives == ("usually", "sometimes")  # asked, both readings offered


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "нет, подписывают"),
        ("tr", "hayır imzalıyorlar"),
        ("ro", "nu, ei chiar semnează"),
        ("th", "ไม่ เขาเซ็นสัญญาทุกครั้ง"),
    ],
)
def test_a_no_contradicted_by_what_follows_is_only_offered(
    kb: Knowledge, lang: str, text: str
) -> None:
    meaning = interpret_answer(kb, "contract", text, lang)
    assert (meaning.kind, meaning.option) == ("guess", "usually")


@pytest.mark.parametrize(
    ("lang", "text", "option"),
    [
        ("tr", "hayır, sözleşme istemiyoruz", "never"),  # the rest denies by its ending
        ("id", "nggak pernah tanda tangan", "never"),  # no comma: the no negates the rest
        ("ru", "да, иногда", "sometimes"),  # yes, then the middle answer: taken
        ("en", "yes, sometimes", "sometimes"),
    ],
)
def test_an_opening_yes_or_no_read_with_what_follows(
    kb: Knowledge, lang: str, text: str, option: str
) -> None:
    meaning = interpret_answer(kb, "contract", text, lang)
    assert (meaning.kind, meaning.option) == ("option", option)


def test_an_answer_word_does_not_reach_across_a_comma(kb: Knowledge) -> None:
    # "gak, selalu …" (no, always …) is not "gak selalu" (not always).
    assert match_option(kb, "contract", "gak, selalu tanda tangan", "id").option != "sometimes"


def test_a_phrase_with_a_negation_the_text_lacks_is_no_typo(kb: Knowledge) -> None:
    # "только у нас" (only us) is not a misspelt "не только у нас" (not only us).
    assert match_option(kb, "exclusivity", "да, только у нас", "ru").option == "only_us"


def test_a_shrug_with_an_object_is_no_shrug(kb: Knowledge) -> None:
    # "the others I don't know": about the others, not "Not sure".
    found = match_option(kb, "relationship", "постоянных человек двадцать, остальных не знаю", "ru")
    assert found.option != "not_sure"
