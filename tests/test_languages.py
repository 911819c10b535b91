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
from knowledge.i18n import missing, supported_language
from knowledge.loader import KnowledgeError, default_knowledge, load_knowledge
from knowledge.model import pick
from knowledge.raw import DATA_DIR, read_raw_files

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
    current = KB.text("language_current", "en", language=KB.languages["en"])
    assert [o.label for o in menu.options] == [
        current if c == "en" else KB.languages[c] for c in KB.languages
    ]


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


@pytest.mark.parametrize(
    ("code", "lang"),
    [("ru-RU", "ru"), ("RU", "ru"), ("ro_RO", "ro"), (" th ", "th"), ("pt-BR", None), ("", None)],
)
def test_language_codes_are_read_like_telegrams(code: str, lang: str | None) -> None:
    assert supported_language(code, ["en", "id", "th", "tr", "ru", "ro"]) == lang
