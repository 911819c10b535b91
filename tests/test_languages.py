"""Every language is complete, consistent and fits Telegram's limits; conversations in
each language work tapped and typed; switching language keeps the answers."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import yaml

from dialogs.conversation import LocalConversation
from dialogs.engine import Engine
from dialogs.events import Choose, Language, Start, Typed
from dialogs.state import DialogState
from knowledge.i18n import missing
from knowledge.interpret import business_matches, faq_for, interpret_answer, question_strength
from knowledge.loader import (
    DATA_DIR,
    KnowledgeError,
    default_knowledge,
    load_knowledge,
    read_raw_files,
)
from knowledge.matching import NOT_SURE
from knowledge.model import pick

KB = default_knowledge()
LANGS = sorted(KB.languages)
LAW_FIRM = next(b for b in KB.businesses if b.id == "law_firm").typical
TELEGRAM_TEXT_LIMIT = 4096
BUTTON_LIMIT = 40


@pytest.mark.parametrize("lang", LANGS)
def test_language_is_complete(lang: str) -> None:
    raw, problems = read_raw_files(DATA_DIR)
    assert not problems
    gaps = list(missing(raw, lang))
    assert gaps == [], f"{lang} lacks {len(gaps)} texts, e.g. {gaps[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_client_and_customer_are_two_words(lang: str) -> None:
    client, customer = KB.term("client", lang), KB.term("customer", lang)
    assert client.casefold() != customer.casefold()
    explained = KB.text(
        "explain", lang, client=client, client_meaning="x", customer=customer, customer_meaning="y"
    )
    assert client in explained and customer in explained


@pytest.mark.parametrize("lang", LANGS)
def test_texts_fit_telegram(lang: str, engine: Engine) -> None:
    for key in KB.messages:
        text = pick(KB.messages[key], lang)
        if key.startswith("btn_"):
            assert len(text) <= BUTTON_LIMIT, (key, text)
        if key.startswith("cmd_"):
            assert 3 <= len(text) <= 256, (key, text)
    for question in KB.questions.values():
        for option in question.options:
            assert len(pick(option.label, lang)) <= BUTTON_LIMIT, (question.id, option.id)
    state = _finished(engine, lang)
    outcome = engine.outcome(state)
    from dialogs import render

    for reply in (
        render.result(KB, state, outcome),
        render.why_tactics(KB, state, outcome),
        render.summary(KB, state, outcome),
        render.help_text(KB, state),
    ):
        assert len(reply.text) <= TELEGRAM_TEXT_LIMIT, (lang, reply.kind, len(reply.text))


def _finished(engine: Engine, lang: str) -> DialogState:
    state = engine.step(DialogState(lang=lang), Start()).state
    state = engine.step(state, Choose(option="begin")).state
    while state.phase == "asking":
        assert state.step is not None
        if KB.questions[state.step].kind == "text":
            event = Typed(
                text=pick(next(b for b in KB.businesses if b.id == "law_firm").name, lang)
            )
        else:
            event = Choose(option=LAW_FIRM[state.step])
        state = engine.step(state, event).state
    return state


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("how", ["tapped", "typed"])
def test_a_whole_conversation_in_each_language(lang: str, how: str, engine: Engine) -> None:
    async def go() -> str:
        chat = LocalConversation(engine, DialogState(lang=lang))
        await chat.send("/start")
        await chat.press(KB.text("btn_begin", lang))
        replies = await chat.send(
            pick(next(b for b in KB.businesses if b.id == "law_firm").name, lang)
        )
        while chat.state.phase == "asking":
            step = chat.state.step
            assert step is not None
            option = KB.option(step, LAW_FIRM[step])
            assert option is not None
            label = pick(option.label, lang)
            replies = await (chat.press(label) if how == "tapped" else chat.send(label))
        return "\n".join(r.text for r in replies)

    text = asyncio.run(go())
    headline = pick(KB.models["client"].headline, lang)
    assert headline in text


def test_switching_language_mid_questionnaire_keeps_answers(engine: Engine) -> None:
    state = engine.step(DialogState(), Start()).state
    state = engine.step(state, Choose(option="begin")).state
    state = engine.step(state, Typed(text="law firm")).state
    state = engine.step(state, Choose(option="usually")).state
    for lang in LANGS:
        turn = engine.step(state, Language(lang=lang))
        assert turn.state.lang == lang
        assert turn.state.answers == state.answers and turn.state.step == state.step
        assert pick(KB.questions[state.step].text, lang) in turn.replies[-1].text
    menu = engine.step(state, Language()).replies[0]
    assert [o.label for o in menu.options] == [KB.languages[c] for c in KB.languages]


def test_a_translation_with_a_wrong_placeholder_is_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "i18n").mkdir(exist_ok=True)
    words = {"name": "Test", "messages": {"welcome": "Salut {greting}! {count}"}}
    (data / "i18n" / "xx.yaml").write_text(yaml.safe_dump(words), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data)
    assert "messages.welcome.xx: placeholders" in str(info.value)


def test_a_broken_translation_names_its_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "i18n").mkdir(exist_ok=True)
    words = {"name": "Test", "tactics": {"flash_offers": {"title": ["not", "a", "text"]}}}
    (data / "i18n" / "xx.yaml").write_text(yaml.safe_dump(words), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data)
    assert "i18n/xx.yaml (into tactics.yaml): tactics." in str(info.value)


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


def test_digits_typed_into_thai_are_read_with_it() -> None:
    meaning = interpret_answer(KB, "commitment", "3เดือนนะคะ", "th")
    assert (meaning.kind, meaning.option) == ("option", "months")


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        # "ya" inside a sentence is filler, not "yes".
        ("id", "support", "nggak, abis bayar ya selesai", "none"),
        # A shrug closing the message in a clause of its own.
        ("ro", "sales_cycle", "n-am urmarit niciodata asta, nu stiu", NOT_SURE),
        ("en", "sales_cycle", "never tracked that, no idea", NOT_SURE),
    ],
)
def test_fillers_and_closing_shrugs(lang: str, question: str, text: str, option: str) -> None:
    assert interpret_answer(KB, question, text, lang).option == option


def test_thai_negation_a_word_before_the_phrase() -> None:
    # ไม่เคยลงโฆษณา: "never ran ads" — the ads are negated, so only referrals remain.
    meaning = interpret_answer(KB, "acquisition", "ลูกค้าเก่าบอกต่อครับ ไม่เคยลงโฆษณาเลย", "th")
    assert meaning.option == "referrals"


@pytest.mark.parametrize("text", ["มี client แล้วได้ประโยชน์อะไร", "วิธีเปลี่ยนคัสโตเมอร์เป็นไคลเอนต์"])
def test_thai_questions_without_a_final_particle(text: str) -> None:
    assert question_strength(KB, text, "th") == 2


@pytest.mark.parametrize(
    ("lang", "question", "text", "option"),
    [
        ("en", "commitment", "usually 3-6 mo then we see", "months"),
        ("en", "commitment", "12 month contracts, then we renew", "year_plus"),
        ("en", "sales_cycle", "maybe 3-4 days after the first call", "days_weeks"),
        ("id", "sales_cycle", "3 harian lah, biasanya nanya2 dulu baru transfer", "days_weeks"),
        ("tr", "sales_cycle", "gelir öder gider, 5 dk sürmez", "same_day"),
        ("ru", "sales_cycle", "дня 3-4 где то", "days_weeks"),  # the unit first
        ("ro", "sales_cycle", "durează luni de zile, 3-6 luni până semnăm", "months"),
        ("th", "commitment", "สัญญา2ปีค่ะ", "year_plus"),
    ],
)
def test_durations_with_units(lang: str, question: str, text: str, option: str) -> None:
    assert interpret_answer(KB, question, text, lang).option == option
