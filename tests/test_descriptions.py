"""The business description (question 1): keyboard mashes are asked again, real long
descriptions in every language are kept, and the business is echoed in the owner's words."""

from __future__ import annotations

import random
import string

import pytest

from dialogs.engine import MAX_DESCRIPTION, Engine
from dialogs.events import Choose, Start, Typed
from dialogs.render import BEGIN
from dialogs.state import DialogState
from knowledge.plausible import description_problem

LANGS = ["en", "id", "th", "tr", "ru", "ro"]

# Long, real descriptions as owners write them; each is longer than the stored cut.
LONG = {
    "en": (
        "We are a family-run bakery in the old town. Most of our customers are walk-ins who "
        "buy bread and pastries in the morning, but we also bake for two cafés every day "
        "under a monthly agreement, and we take orders for weddings and birthdays. My wife "
        "does the cakes, I do the bread, and our son handles deliveries and Instagram."
    ),
    "id": (
        "Kami punya usaha katering rumahan di Bekasi. Setiap hari kami kirim makan siang ke "
        "tiga kantor dengan kontrak bulanan, dan di akhir pekan kami terima pesanan nasi kotak "
        "untuk arisan, pengajian dan ulang tahun. Pelanggan baru biasanya datang dari grup "
        "WhatsApp dan rekomendasi tetangga, jarang sekali dari iklan di media sosial."
    ),
    "th": (
        "เราเปิดร้านซ่อมรถยนต์เล็กๆที่เชียงใหม่มาสิบกว่าปีแล้ว ลูกค้าส่วนใหญ่เป็นคนในละแวกนี้ที่เอารถมาเปลี่ยน"
        "ถ่ายน้ำมันเครื่องและซ่อมทั่วไป บางคนก็มาครั้งเดียวแล้วไม่มาอีก แต่เรามีสัญญาดูแลรถตู้ให้บริษัททัวร์"
        "สองเจ้าเป็นรายปี ต้องเช็กรถทุกเดือนและซ่อมให้ด่วนเวลารถเสีย ลูกค้าใหม่ส่วนมากมาจากการบอกต่อ"
        "และรีวิวในกลุ่มเฟซบุ๊กของคนในเมือง"
    ),
    "tr": (
        "İzmir'de küçük bir muhasebe büromuz var, üç kişi çalışıyoruz. Müşterilerimizin çoğu "
        "esnaf ve küçük şirketler; her ay beyannamelerini, bordrolarını ve defterlerini biz "
        "tutuyoruz, yıllık sözleşme yapıyoruz. Çoğu bizimle yıllardır çalışıyor ve yeni "
        "müşteriler genelde tavsiye ile geliyor. Reklam neredeyse hiç vermiyoruz."
    ),
    "ru": (
        "У нас небольшая студия дизайна интерьеров в Казани, нас четверо. Мы делаем проекты "
        "квартир и кафе под ключ: сначала встречаемся с заказчиком, обсуждаем пожелания, "
        "подписываем договор, потом несколько месяцев ведём проект и авторский надзор. "
        "Новые клиенты приходят в основном по рекомендациям прошлых заказчиков."
    ),
    "ro": (
        "Avem o florărie mică în Cluj, lângă piață. Cei mai mulți cumpărători intră din "
        "stradă și iau un buchet sau o plantă, dar lucrăm și cu două restaurante și un hotel, "
        "cărora le livrăm aranjamente în fiecare săptămână, pe bază de contract. Facem și "
        "decoruri pentru nunți și botezuri, mai ales vara, cu programare din timp."
    ),
}

_RNG = random.Random(20240610)


def _random(alphabet: str, n: int = 2000) -> str:
    return "".join(_RNG.choices(alphabet, k=n))


def _random_unicode(n: int = 2000) -> str:
    chars: list[str] = []
    while len(chars) < n:
        c = chr(_RNG.randrange(0x21, 0x3000))
        if c.isprintable():
            chars.append(c)
    return "".join(chars)


NOT_DESCRIPTIONS = {
    "random printable": _random(string.printable),
    "random letters and spaces": _random(string.ascii_lowercase + "  "),
    "random unicode": _random_unicode(),
    "random Thai letters": _random("".join(chr(c) for c in range(0x0E01, 0x0E2F))),
    "random Cyrillic words": _random("абвгдежзийклмнопрстуфхцчшщыэюя   "),
    "keyboard mash": "asdkjhaskjdhaskjdhaksjdhkajshdkjashdkjahsd",
    "home row": "asdf jkl; asdf jkl; " * 20,
    "held key": "a" * 300,
    "symbols": "!!!??? ### 12345 ... $$$ %%% ***",
}


def _at_description(engine: Engine, lang: str) -> DialogState:
    state = engine.step(DialogState(lang=lang), Start()).state
    state = engine.step(state, Choose(option=BEGIN)).state
    assert state.step == "business"
    return state


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(NOT_DESCRIPTIONS))
def test_a_keyboard_mash_is_asked_again(engine: Engine, lang: str, name: str) -> None:
    state = _at_description(engine, lang)
    turn = engine.step(state, Typed(text=NOT_DESCRIPTIONS[name]))
    assert turn.replies[0].text == engine.kb.text("not_a_description", lang)
    assert turn.state.step == "business" and "business" not in turn.state.answers
    assert turn.replies[-1].options  # the question again, with Skip


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_real_description_is_kept(engine: Engine, lang: str) -> None:
    text = LONG[lang]
    assert len(text) > MAX_DESCRIPTION and description_problem(engine.kb, text) is None
    turn = engine.step(_at_description(engine, lang), Typed(text=text))
    kept = turn.state.answers["business"].text
    assert kept is not None and kept.endswith("…") and len(kept) == MAX_DESCRIPTION
    assert engine.kb.text("not_a_description", lang) not in turn.replies[0].text


@pytest.mark.parametrize("text", ["bakery", "kedai kopi", "азс", "ok", "qwerty shop", "SMMM"])
def test_short_descriptions_are_never_judged_by_vocabulary(engine: Engine, text: str) -> None:
    assert description_problem(engine.kb, text) is None


@pytest.mark.parametrize(
    ("lang", "typed", "echo"),
    [
        ("en", "petrol station on the highway", "petrol station"),  # not "Gas station"
        ("ru", "у нас заправка на трассе", "заправка"),  # not "АЗС"
        ("tr", "benzin istasyonu işletiyoruz", "benzin istasyonu"),  # not "Akaryakıt …"
    ],
)
def test_the_business_is_echoed_in_the_owners_words(
    engine: Engine, lang: str, typed: str, echo: str
) -> None:
    turn = engine.step(_at_description(engine, lang), Typed(text=typed))
    notice = turn.replies[0].text
    name = next(b for b in engine.kb.businesses if b.id == "gas_station").name[lang]
    assert echo in notice and name not in notice, notice
