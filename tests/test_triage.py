"""Staff triage (/triage, ``clientwise triage``) reads what people actually write: the
language of the line, two-sided descriptions, business names, suppliers, behaviour-only
lines, and lines with nothing to read. Seed businesses: tests/data/seed_businesses.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import cli
from dialogs.engine import Engine
from dialogs.events import Triage
from dialogs.state import DialogState
from knowledge.business import business_matches, read_description
from knowledge.language import detect_language
from knowledge.loader import default_knowledge
from knowledge.raw import read_yaml
from knowledge.triage import triage

KB = default_knowledge()
SEEDS = read_yaml(Path(__file__).parent / "data" / "seed_businesses.yaml")
LANGS = ("en", "id", "th", "tr", "ru", "ro")


def _model(engine: Engine, text: str, lang: str) -> str | None:
    result = engine.triage(text, lang)
    return result.verdict.model if result.informative else None


# --- 1. the language of the text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("юридическая фирма, абонентские договоры, клиенты годами", "ru"),
        ("สำนักงานบัญชี ทำสัญญารายปีกับบริษัท", "th"),
        ("kantor akuntan, kontrak tahunan dengan perusahaan", "id"),
        ("muhasebe bürosu, firmalarla yıllık sözleşme", "tr"),
        ("birou de contabilitate, contracte anuale cu firme", "ro"),
        ("accounting office, yearly contracts with companies", "en"),
        ("kafe isletiyoruz, musteriler gelip gidiyor", "tr"),  # no Turkish letters typed
        ("avem o cafenea, oamenii vin si cumpara", "ro"),  # no Romanian letters typed
    ],
)
def test_language_is_detected_from_the_text(text: str, lang: str) -> None:
    assert detect_language(KB, text) == lang


def test_language_without_evidence_is_the_default() -> None:
    assert detect_language(KB, "123 !!", default="tr") == "tr"


@pytest.mark.parametrize(
    ("text", "lang", "business", "model"),
    [
        ("юридическая фирма, абонентские договоры, клиенты годами", "ru", "law_firm", "client"),
        ("ร้านกาแฟ คนเดินเข้ามาซื้อแล้วก็ไป", "th", "cafe", "customer"),
    ],
)
def test_cli_triage_reads_the_text_in_its_own_language(
    capsys: pytest.CaptureFixture[str], text: str, lang: str, business: str, model: str
) -> None:
    assert cli.main(["triage", "--json", text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["lang"], out["business_type"], out["verdict"]) == (lang, business, model)


def test_cli_lang_still_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["triage", "--json", "--lang", "en", "юридическая фирма"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "en"


def test_cli_match_reads_the_text_in_its_own_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["match", "--json", "юридическая фирма"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["lang"], out["business_type"]) == ("ru", "law_firm")


def test_telegram_triage_reads_the_caller_language_and_answers_in_the_staff_one(
    engine: Engine,
) -> None:
    staff = DialogState(lang="en")
    turn = engine.step(staff, Triage(text="юридическая фирма, абонентские договоры"))
    card = turn.replies[0].text
    assert "Provisional verdict" in card  # the staff member's English interface
    assert "Law firm" in card  # the Russian description was read as Russian
    # Shown again later (e.g. after /help) it is the same reading.
    assert "Law firm" in engine.current(turn.state)[0].text


# --- 2. two-sided descriptions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("most income is from contracts with schools, the rest is people off the street", "en"),
        ("с несколькими компаниями договоры, остальные просто заходят и покупают", "ru"),
        ("avem contracte lunare cu două birouri, restul sunt oameni care intră o dată", "ro"),
        ("contracts with hotels, walk-in tourists pay cash", "en"),
        ("у нас контракты с отелями, а туристы с улицы платят наличными", "ru"),
    ],
)
def test_a_turn_to_the_other_buyers_is_hybrid(engine: Engine, text: str, lang: str) -> None:
    assert _model(engine, text, lang) == "hybrid"


def test_a_second_group_on_the_same_side_stays_one_sided(engine: Engine) -> None:
    text = "law firm, some clients on retainers, the rest on yearly contracts"
    assert _model(engine, text, "en") == "client"


# --- 3. a business name is not a signal ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("advertising agency", "en"),
        ("agenție de publicitate", "ro"),
        ("agensi iklan", "id"),
        ("เอเจนซี่โฆษณา", "th"),
        ("рекламное агентство", "ru"),
    ],
)
def test_words_of_the_business_name_are_not_signals(text: str, lang: str) -> None:
    result = triage(KB, text, lang, [q for q in KB.questions if KB.weight(q) > 0])
    assert result.business is not None and result.business.id == "marketing_agency"
    assert result.signals == []
    assert result.verdict.model == "client"


def test_a_longer_signal_is_not_a_business_name() -> None:
    named, signals = read_description(KB, "корпоративные клиенты и разовые покупатели", "ru")
    assert "event_planner" not in [b.id for b in named]
    assert "key_accounts" in [s.id for s in signals]


# --- 4. every example business of the seeds -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "name", "side"),
    [(lang, item[lang], item["side"]) for item in SEEDS for lang in LANGS if lang in item],
)
def test_seed_example_business_is_recognised_on_its_side(
    engine: Engine, lang: str, name: str, side: str
) -> None:
    result = engine.triage(name, lang)
    assert result.business is not None, name
    assert result.verdict.model == side


def test_seed_list_covers_all_five_articles() -> None:
    assert len({item["seed"] for item in SEEDS}) == 5


# --- 5. a supplier is not its buyers --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("contracts with hotels and a few offices", "en"),
        ("we supply restaurants, cafes and hotels", "en"),
        ("kami kirim sayur ke restoran dan hotel", "id"),
        ("เราส่งผักให้ร้านอาหารและโรงแรม", "th"),
        ("restoranlara sebze tedarik ediyoruz", "tr"),
        ("otellere teslimat yapıyoruz", "tr"),
        ("kafelere ve restoranlara kahve çekirdeği satıyoruz", "tr"),
        ("мы поставляем продукты в рестораны", "ru"),
        ("доставляем овощи в отели и кафе", "ru"),
        ("livrăm legume la restaurante și cafenele", "ro"),
        ("livrăm la hoteluri", "ro"),
    ],
)
def test_who_is_supplied_is_not_the_trade(text: str, lang: str) -> None:
    served = {"restaurant", "hotel", "cafe"}
    assert not served & {b.id for b in business_matches(KB, text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "business"),
    [
        ("kafe işletiyoruz, restoranlara da satıyoruz", "tr", "cafe"),
        ("we run a small hotel", "en", "hotel"),
    ],
)
def test_the_own_trade_is_still_read(text: str, lang: str, business: str) -> None:
    assert business_matches(KB, text, lang)[0].id == business


# --- 6. behaviour-only descriptions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("insanlar uğruyor, nakit ödüyor, çoğunu bir daha hiç görmüyoruz", "tr"),
        ("люди заходят, платят наличными, и большинство мы больше никогда не видим", "ru"),
        ("oamenii intră, plătesc cash și pe cei mai mulți nu-i mai vedem niciodată", "ro"),
    ],
)
def test_behaviour_alone_reads_customer(engine: Engine, text: str, lang: str) -> None:
    assert _model(engine, text, lang) == "customer"


# --- 7. no verdict from nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"), [("hello", "en"), ("привет", "ru"), ("สวัสดี", "th"), ("merhaba", "tr")]
)
def test_nothing_to_read_gives_no_verdict(engine: Engine, text: str, lang: str) -> None:
    assert not engine.triage(text, lang).informative
    staff = DialogState(lang="en")
    turn = engine.step(staff, Triage(text=text))
    assert turn.state == staff
    assert turn.replies[0].text == engine.kb.text("triage_no_information", "en")


def test_cli_nothing_to_read_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["triage", "--json", "hello"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] is None and out["reason"] == "no_business_information"
    assert cli.main(["triage", "hello"]) == 0
    assert capsys.readouterr().out.strip() == KB.text("triage_no_information", "en")
