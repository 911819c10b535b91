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


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        # Russian and Thai put the negation after what it denies, before the closing verb.
        ("ru", "customisation", "шьём по меркам, двух одинаковых платьев не бывает", "tailored"),
        ("ru", "exclusivity", "клиенты держатся за нас, к другим не уходят", "only_us"),
        ("th", "contract", "ทำสัญญาทุกครั้ง ไม่มีสัญญาไม่ทำ", "usually"),
        ("th", "customisation", "ทำตามสั่งทุกชิ้น แบบเดียวกันไม่มี", "tailored"),
    ],
)
def test_a_negation_after_the_phrase_denies_it(
    kb: Knowledge, lang: str, question: str, text: str, option: str
) -> None:
    meaning = interpret_answer(kb, question, text, lang)
    assert (meaning.kind, meaning.option) == ("option", option)


def test_a_negation_of_the_next_phrase_leaves_the_one_before_it(kb: Knowledge) -> None:
    # "не по шаблону" (not from a template) denies the template, not "индивидуально".
    meaning = interpret_answer(kb, "customisation", "индивидуально не по шаблону", "ru")
    assert (meaning.kind, meaning.option) == ("option", "tailored")


def test_a_denied_telling_word_is_no_vote(kb: Knowledge) -> None:
    # "к конкурентам не переходят": they do not go to competitors — no "shop around", and
    # with that phrase denied, one stray word ("остаётся") is no reading of "a mix".
    text = "кто пришёл, тот остаётся, к конкурентам не переходят"
    meaning = interpret_answer(kb, "exclusivity", text, "ru")
    assert meaning.option not in ("shop_around", "mix")


def test_a_contrast_inside_a_remark_of_its_own_qualifies_the_remark(kb: Knowledge) -> None:
    # "each buys little, but together it adds up": still "many small", not "a mix".
    text = "çok sayıda küçük müşteri, her biri az alıyor ama hepsi birlikte iyi"
    meaning = interpret_answer(kb, "concentration", text, "tr")
    assert (meaning.kind, meaning.option) == ("option", "many_small")
    # Right after the answer, the contrast still qualifies it.
    qualified = match_option(kb, "customisation", "standard, but u can pick the colour", "en")
    assert qualified.option == "some_options"


@pytest.mark.parametrize("text", ["we make good products", "our products are handmade"])
def test_the_questions_own_plural_is_no_vote_for_the_singular(kb: Knowledge, text: str) -> None:
    # At "How many products …?", "products" is the subject, not "One main product".
    assert interpret_answer(kb, "product_range", text, "en").option is None


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("sales_cycle", "same day is not how it works here"),
        ("support", "ongoing support is something we never offered"),
        ("customisation", "tailored work is not something we do here"),
    ],
)
def test_a_negation_no_phrase_accounts_for_holds_the_reading_back(
    kb: Knowledge, question: str, text: str
) -> None:
    # The answer's phrase opens the sentence, a negation later in its clause turns it round.
    assert interpret_answer(kb, question, text, "en").kind != "option"


def test_an_opening_plain_no_is_the_answer_whatever_negation_follows(kb: Knowledge) -> None:
    meaning = interpret_answer(kb, "contract", "nah nothing on paper lol", "en")
    assert (meaning.kind, meaning.option) == ("option", "never")


def test_a_second_answer_near_the_take_line_is_asked_about(kb: Knowledge) -> None:
    from knowledge.matching import OptionMatch, _cautious

    index = kb.index("en").options["sales_cycle"]
    best = {"same_day": 90.0, "days_weeks": 85.5}
    found = _cautious(OptionMatch("same_day", 90.0), best, {}, ["x"], [0], [], index)
    assert (found.option, found.alternatives) == (None, ("same_day", "days_weeks"))
    clear = _cautious(OptionMatch("same_day", 90.0), {"same_day": 90.0}, {}, ["x"], [0], [], index)
    assert clear.option == "same_day"


@pytest.mark.parametrize(
    ("lang", "question", "text", "expect"),
    [
        # A clause turned round by a negation no phrase accounts for gives no second
        # answer to read a mix from.
        ("en", "customisation", "made to measure, no two are the same", ("option", "tailored")),
        # A known word of the language is no typo of an option's word: Romanian "mult"
        # (much) is no misspelt "mulți" (many).
        ("ro", "concentration", "cel mai mult vine de la doi clienți mari", ("option", "few_big")),
        # A run of Thai letters is no single word two edits from another: "ไม่ครับ" (no)
        # is no "ไม่ทราบ" (don't know).
        ("th", "product_range", "ไม่ครับ", ("none", None)),
        # Chat Indonesian shortens "tapi" (but) to "tp": one side, qualified, is a mix.
        ("id", "customisation", "semua standar tp warna bisa dipilih", ("guess", "some_options")),
    ],
)
def test_confident_wrong_shapes_of_holdout3_are_read_right(
    kb: Knowledge, lang: str, question: str, text: str, expect: tuple[str, str | None]
) -> None:
    meaning = interpret_answer(kb, question, text, lang)
    assert (meaning.kind, meaning.option) == expect
