"""Typed text in every language: answers, questions and FAQ topics read the way owners
write them — mixed scripts, missing particles, inflections, fillers and asides."""

from __future__ import annotations

import pytest

from knowledge.business import business_matches, find_signals
from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.loader import default_knowledge
from knowledge.model import NOT_SURE
from knowledge.phrases import PhraseIndex
from knowledge.questions import question_strength

KB = default_knowledge()
LANGS = sorted(KB.languages)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["no idea", "dunno", "not sure"])
def test_english_not_sure_is_understood_in_every_language(lang: str, text: str) -> None:
    # Owners mix English into every language; "no idea" must not be read as "No".
    meaning = interpret_answer(KB, "contract", text, lang)
    assert (meaning.kind, meaning.option) == ("option", NOT_SURE)


@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        # A Thai run of words does not "start with" a word: ทำไม (why) is not ทำไมควร.
        ("th", "ทำไมclientต้องเซ็นสัญญาอะ", "why_contracts"),
        # มั้ย is how ไหม (the question particle) is typed in chat.
        ("th", "ไคลเอนต์กับลูกค้าทั่วไปเหมือนกันมั้ย", "difference"),
        # "Must every business …" outranks "how to turn customers into clients".
        ("th", "ทุกธุรกิจต้องเปลี่ยนลูกค้าเป็นclientหมดเลยเหรอ", "when_not_to_convert"),
        ("id", "apa selalu harus ngubah pelanggan jadi klien?", "when_not_to_convert"),
        ("en", "should every business turn its customers into clients?", "when_not_to_convert"),
        ("en", "how do I turn customers into clients?", "customers_to_clients"),
        # Asked mid-sentence, as Turkish and Indonesian do.
        ("tr", "clientlar neden daha iyi ki", "why_prefer_clients"),
        ("id", "bisnis jenis apa yg termasuk client based kak", "client_examples"),
        # Two topics fit by cue words: the longer matched words decide (ลูกค้า is
        # what Thai owners call every buyer; "client" is the telling word here).
        ("th", "มีอาชีพไหนบ้างที่ลูกค้าเป็นแบบ client ขอสัก2-3ตัวอย่าง", "client_examples"),
        # Cue words fit two topics: the closest sample question decides.
        ("th", "สัญญากับไคลเอนต์ควรมีอะไรบ้างคะ", "why_contracts"),
        # A negated cue word does not count; a negation that asks ("bisa gak") is none.
        ("ro", "ce afaceri au cumparatori, nu clienti?", "customer_examples"),
        ("id", "pelanggan bisa gak dijadiin klien?", "customers_to_clients"),
        # No question form at all, but sample, telling words and cue words agree.
        ("ro", "exemple de firme care lucreaza cu clienti", "client_examples"),
        ("en", "give me some examples of client-based businesses", "client_examples"),
    ],
)
def test_faq_topic_in_each_language(lang: str, text: str, topic: str) -> None:
    assert faq_for(KB, text, lang) == topic


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


def test_who_a_thai_business_serves_is_not_its_trade() -> None:
    # ให้ ("for") is glued to the next word in Thai: the contractors are served, not the trade.
    named = [b.id for b in business_matches(KB, "ร้านวัสดุก่อสร้าง ส่งของประจำให้ผู้รับเหมา", "th")]
    assert "builder" not in named and named
    assert "builder" in [b.id for b in business_matches(KB, "ผู้รับเหมาก่อสร้าง", "th")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "how do I file my taxes online?"),
        ("th", "ยื่นภาษีออนไลน์ยังไง"),
        ("id", "cara bikin website toko gratis gmn?"),
        ("ru", "как открыть ИП онлайн?"),
    ],
)
def test_questions_on_other_subjects_get_no_faq_topic(lang: str, text: str) -> None:
    assert faq_for(KB, text, lang) is None
    assert faq_for(KB, "what about online shops?", lang) == "ecommerce"


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
    meaning = interpret_answer(KB, "contract", "wait, what counts as a contract?", "en")
    assert (meaning.kind, meaning.faq) == ("faq", "why_contracts")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "they pay when the work is done, no contract"),  # "when" asks nothing here
        ("en", "I tell them why, then they sign"),
    ],
)
def test_statements_with_a_question_word_inside_are_no_questions(lang: str, text: str) -> None:
    assert faq_for(KB, text, lang) is None


def test_latin_words_do_not_meet_by_a_shared_start() -> None:
    # "accounts" is not "accountant", "retail" not "retainer": only Russian endings vary.
    assert business_matches(KB, "we sell tyres, mostly to key accounts", "en")[0].id != "accounting"
    assert interpret_answer(KB, "purchase_pattern", "it is retail", "en").option != "ongoing"


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


def test_thai_particles_still_ask_after_no() -> None:
    assert question_strength(KB, "ไม่มีสัญญาไหม", "th") == 2


def test_a_turkish_negative_is_no_typo_of_the_positive() -> None:
    # gelmiyor ("they don't come") is one letter from geliyor ("they come").
    index = PhraseIndex({"no": ["tekrar gelmiyor"]})
    assert index.find("memnun kalan tekrar geliyor") == []
    assert [h.key for h in index.find("tekrar gelmiyo")] == ["no"]  # a real typo still is


def test_a_word_close_to_skip_is_no_shrug() -> None:
    # "lewat iklan ig" (via IG ads) is not the skip word "lewati".
    assert interpret_answer(KB, "support", "lewat iklan ig", "id").option != NOT_SURE
