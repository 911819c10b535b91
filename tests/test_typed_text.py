"""Typed text in every language: answers, questions and FAQ topics read the way owners
write them — mixed scripts, missing particles, inflections, fillers and asides."""

from __future__ import annotations

import pytest

from knowledge.business import business_matches
from knowledge.interpret import interpret_answer
from knowledge.loader import default_knowledge
from knowledge.model import NOT_SURE

KB = default_knowledge()
LANGS = sorted(KB.languages)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["no idea", "dunno", "not sure"])
def test_english_not_sure_is_understood_in_every_language(lang: str, text: str) -> None:
    # Owners mix English into every language; "no idea" must not be read as "No".
    meaning = interpret_answer(KB, "contract", text, lang)
    assert (meaning.kind, meaning.option) == ("option", NOT_SURE)


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        ("en", "customisation", "standard stuff, but they can pick the colour", "some_options"),
        ("th", "customisation", "มีแบบมาตรฐาน แต่เลือกสี เลือกไซส์เองได้", "some_options"),
        ("th", "contract", "บางเจ้าก็เซนสัญญา บางเจ้าก็แค่คุยปากเปล่ากัน", "sometimes"),
        # "Some …, some …" splits the buyers two ways, whatever the halves say.
        ("en", "concentration", "half from corporate accounts, half from walk in people", "mix"),
        ("tr", "exclusivity", "kimisi hep bize gelir kimisi fiyat sorup başka yere bakar", "mix"),
        ("ru", "exclusivity", "одни только у нас берут, другие ходят по всем магазинам", "mix"),
        # One side, qualified after "but".
        (
            "ro",
            "customisation",
            "avem produse standard dar poti alege culoarea si marimea",
            "some_options",
        ),
        (
            "tr",
            "customisation",
            "standart paketlerimiz var ama renk boyut seçebiliyorlar",
            "some_options",
        ),
        ("en", "contract", "no, though the bigger jobs get a written agreement", "sometimes"),
    ],
)
def test_one_side_and_the_middle_is_offered_as_the_middle(
    lang: str, question: str, text: str, option: str
) -> None:
    meaning = interpret_answer(KB, question, text, lang)
    assert (meaning.kind, meaning.option) == ("guess", option)  # asked, never taken silently


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        # "ya" inside a sentence is filler, not "yes".
        ("id", "support", "nggak, abis bayar ya selesai", "none"),
        # A shrug closing the message in a clause of its own.
        ("ro", "sales_cycle", "n-am urmarit niciodata asta, nu stiu", NOT_SURE),
        ("en", "sales_cycle", "never tracked that, no idea", NOT_SURE),
        # Durations with a unit, the number first or (Russian) after it.
        ("en", "commitment", "usually 3-6 mo then we see", "months"),
        ("en", "commitment", "12 month contracts, then we renew", "year_plus"),
        ("en", "sales_cycle", "maybe 3-4 days after the first call", "days_weeks"),
        ("id", "sales_cycle", "3 harian lah, biasanya nanya2 dulu baru transfer", "days_weeks"),
        ("tr", "sales_cycle", "gelir öder gider, 5 dk sürmez", "same_day"),
        ("ru", "sales_cycle", "дня 3-4 где то", "days_weeks"),  # the unit first
        ("ro", "sales_cycle", "durează luni de zile, 3-6 luni până semnăm", "months"),
        ("th", "commitment", "สัญญา2ปีค่ะ", "year_plus"),
        ("en", "sales_cycle", "0.5 days", "same_day"),  # a decimal, not "0 to 5"
        ("en", "sales_cycle", "72 hours or so", "days_weeks"),
        ("id", "commitment", "kontraknya 1,5 tahun", "year_plus"),
        # A "yes" closing its own clause is an answer, not filler.
        ("ro", "contract", "mm, da", "usually"),
        # Numbers are no typos: "2 produk" is not "1 produk", "12 bulan" not "2 bulan".
        ("id", "product_range", "2 produk", "few"),
        ("id", "commitment", "12 bulan", "year_plus"),
        # After an opening "no", the question's own word is its subject, not a "yes".
        ("ru", "contract", "не, какие договоры, люди просто платят на кассе", "never"),
        # Thai: วิธี ("how to") inside an answer does not make it a question.
        ("th", "support", "บางทีก็ทักมาถามวิธีใช้ค่ะ แต่ไม่บ่อย", "occasional"),
        # Thai: digits typed into the run; a negation a word before the phrase.
        ("th", "commitment", "3เดือนนะคะ", "months"),
        ("th", "acquisition", "ลูกค้าเก่าบอกต่อครับ ไม่เคยลงโฆษณาเลย", "referrals"),
    ],
)
def test_typed_answer_in_each_language(lang: str, question: str, text: str, option: str) -> None:
    assert interpret_answer(KB, question, text, lang).option == option


def test_latin_words_do_not_meet_by_a_shared_start() -> None:
    # "accounts" is not "accountant", "retail" not "retainer": only Russian endings vary.
    assert business_matches(KB, "we sell tyres, mostly to key accounts", "en")[0].id != "accounting"
    assert interpret_answer(KB, "purchase_pattern", "it is retail", "en").option != "ongoing"


def test_a_word_close_to_skip_is_no_shrug() -> None:
    # "lewat iklan ig" (via IG ads) is not the skip word "lewati".
    assert interpret_answer(KB, "support", "lewat iklan ig", "id").option != NOT_SURE
