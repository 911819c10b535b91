"""Telegram edge cases found in review: recovery, undelivered questions, groups, ordering."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest

from bot.storage import UPDATE_RETENTION, Store
from dialogs.state import DialogState
from knowledge.loader import default_knowledge
from knowledge.model import pick
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import (
    ANA,
    BORIS,
    BotHarness,
    TelegramConversation,
    running_bot,
    start_questionnaire,
)

GROUP = {"id": -4242, "type": "supergroup", "title": "Team"}


async def _at_contract(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "florist")


async def test_recovery_survives_a_user_who_blocked_the_bot(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    store = Store(db)
    for user_id in (301, 302):  # two steps stored but never answered (crash)
        store.save_step(
            update_id=user_id,
            chat_id=user_id,
            user_id=user_id,
            state=DialogState(phase="asking", step="business", turn=2),
            message_id=None,
        )
    store.close()
    fake = FakeTelegram()
    fake.block_chat(301)
    async with running_bot(db, fake) as tg:
        assert await tg.front.recover() == 1  # what start-up runs: 302 helped, 301 skipped
        assert tg.store.is_active(301) is False
        assert "1/12" in tg.fake.chat_messages(302)[-1].text  # the other user was helped
        assert tg.store.unreplied(3600) == []


async def test_text_for_a_question_that_never_arrived_is_not_applied(tg: BotHarness) -> None:
    chat = await _at_contract(tg)
    tg.fake.fail_next("editMessageText", 502, "Bad Gateway", times=3)  # the edit is lost
    tg.fake.fail_next("sendMessage", 502, "Bad Gateway", times=1)  # and so is the apology
    await chat.press("No")
    assert tg.state_of(ANA).step == "exclusivity"  # stored: the answer is safe
    # The user still sees question 2 and types an answer again ("not sure" would fit
    # question 3 as well, so applying it there would go unnoticed).
    replies = await chat.send("not sure")
    assert tg.state_of(ANA).answers.get("exclusivity") is None  # not applied to question 3
    assert any("use only you or shop around" in r.text for r in replies)


async def test_start_over_keeps_the_result_card(tg: BotHarness) -> None:
    chat = await _at_contract(tg)
    for label in [
        "No",
        "They shop around",
        "No, the sale is the end",
        "Same for everyone",
        "Same day",
        "Many small buyers",
        "Mostly strangers",
        "Ads, promotions, walk-ins",
        "Mostly once",
        "A wide range",
    ]:
        await chat.press(label)
    result = tg.fake.last_with_buttons(ANA["id"])
    assert result is not None and "Your model:" in result.text
    await chat.press("Start over")
    assert "Your model:" in result.text  # not overwritten by question 1
    assert "1/12" in tg.fake.chat_messages(ANA["id"])[-1].text


async def test_start_mid_questionnaire_offers_to_continue(tg: BotHarness) -> None:
    chat = await _at_contract(tg)
    await chat.press("Sometimes")
    replies = await chat.send("/start")
    assert any("Continue where I left off" in o.label for r in replies for o in r.options)
    replies = await chat.press("Continue where I left off")
    assert any("How long do those agreements" in r.text for r in replies)
    assert tg.state_of(ANA).answers["contract"].option == "sometimes"


async def test_group_buttons_belong_to_their_owner(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))
    ana_welcome = tg.fake.chat_messages(GROUP["id"])[-1]
    begin = ana_welcome.flat_buttons[0]["callback_data"]
    # Boris has no questionnaire at all: still "not yours", not a phantom "current one".
    await tg.settle(tg.fake.press(BORIS, ana_welcome, begin))
    assert "belongs to someone else" in tg.fake.callback_answers[-1]["text"]
    # Ana taps her own, older message after restarting: a stale notice, not "someone else".
    await tg.settle(tg.fake.press(ANA, ana_welcome, begin))
    await tg.settle(tg.fake.send_text(ANA, "/restart", chat=GROUP))
    await tg.settle(tg.fake.press(ANA, ana_welcome, begin))
    assert "earlier question" in tg.fake.callback_answers[-1]["text"]


async def test_only_the_asker_can_confirm_forget(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))
    await tg.settle(tg.fake.send_text(ANA, "/forget", chat=GROUP))
    confirm = tg.fake.chat_messages(GROUP["id"])[-1]
    yes = confirm.flat_buttons[0]["callback_data"]
    await tg.settle(tg.fake.press(BORIS, confirm, yes))
    assert "belongs to someone else" in tg.fake.callback_answers[-1]["text"]
    assert tg.store.load(GROUP["id"], ANA["id"]) is not None
    await tg.settle(tg.fake.press(ANA, confirm, yes))
    assert tg.store.load(GROUP["id"], ANA["id"]) is None


async def test_unknown_commands_get_help_in_private_and_silence_in_groups(tg: BotHarness) -> None:
    replies = await TelegramConversation(tg, ANA).send("/foo")
    assert any("/restart" in r.text for r in replies)
    assert any("/foo" in r.text for r in replies)  # says which command it does not know
    before = len(tg.fake.method_calls("sendMessage"))
    await tg.settle(tg.fake.send_text(BORIS, "/weather@other_bot", chat=GROUP))
    await tg.settle(tg.fake.send_text(BORIS, "/foo", chat=GROUP))
    assert len(tg.fake.method_calls("sendMessage")) == before


async def test_group_stickers_are_ignored_silently(tg: BotHarness) -> None:
    sticker = {
        "file_id": "s",
        "file_unique_id": "s1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    update = tg.fake.message_update(ANA, chat=GROUP, sticker=sticker)
    await tg.settle(tg.fake.send_raw(update))
    assert tg.fake.chat_messages(GROUP["id"]) == []


async def test_deep_link_payload_is_cleaned(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # The payload is text from outside: cleaned, and logged at DEBUG only (INFO carries
    # no text a user could have typed).
    with caplog.at_level(logging.DEBUG, logger="clientwise.updates"):
        await TelegramConversation(tg, ANA).send("/start from_site\nupdate=1 fake line")
    records = [r for r in caplog.records if r.name == "clientwise.updates"]
    lines = [r.getMessage() for r in records]
    assert any(
        "payload=from_siteupdate1fakeline" in r.getMessage()
        for r in records
        if r.levelno == logging.DEBUG
    )
    assert not any("payload" in r.getMessage() for r in records if r.levelno >= logging.INFO)
    assert all("\n" not in line for line in lines)


async def test_one_structured_log_line_per_update(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await _at_contract(tg)
    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        await chat.press("Sometimes")
        await chat.send("a year")
    lines = [r.getMessage() for r in caplog.records if r.name == "clientwise.updates"]
    assert len(lines) == 2
    pattern = r"^update=\d+ chat=101 event=\w+ phase=asking step=\w+ turn=\d+ ms=[\d.]+$"
    assert all(re.match(pattern, line) for line in lines), lines


async def test_replies_of_one_chat_go_out_in_order_despite_network_jitter(
    tg: BotHarness,
) -> None:
    chat = TelegramConversation(tg, ANA)
    await chat.send("/start")
    await chat.press("Start")
    await chat.send("florist")
    base = len(tg.fake.chat_messages(ANA["id"]))
    tg.fake.latency = {"sendMessage": 0.15}  # replies would overtake each other unordered
    burst = ["/help", "/cancel", "/start", "/language"]
    ids = [tg.fake.send_text(ANA, text) for text in burst]
    ids.append(tg.fake.send_text(BORIS, "/start"))
    await tg.settle(*ids, timeout=30)
    texts = [m.text for m in tg.fake.chat_messages(ANA["id"])[base:]]
    marks = ["/restart –", "Paused", "Hi Ana!", "Choose your language"]
    firsts = [next(i for i, t in enumerate(texts) if mark in t) for mark in marks]
    assert firsts == sorted(firsts), texts


def test_processed_update_ids_are_pruned_after_the_retention(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.record_update(1, 10, 10, replied=True)
    store.record_update(2, 10, 10, replied=True)
    store.db.execute(
        "UPDATE processed_updates SET received_at = ? WHERE update_id = 1",
        [time.time() - UPDATE_RETENTION - 60],
    )
    store.db.conn.commit()
    assert store.prune_updates() == 1
    assert store.update_status(1) == "new" and store.update_status(2) == "replied"
    store.close()


OTHER_LANGS = [code for code in sorted(default_knowledge().languages) if code != "en"]


@pytest.mark.parametrize("lang", OTHER_LANGS)
async def test_telegram_language_code_picks_the_language(tg: BotHarness, lang: str) -> None:
    kb = default_knowledge()
    user = FakeTelegram.user(900, "Ana", language_code=f"{lang}-XX")
    replies = await TelegramConversation(tg, user).send("/start")
    assert any(kb.text("greeting_named", lang, name="Ana") in r.text for r in replies)
    assert lang in tg.fake.commands  # the command menu is localised too


async def test_language_menu_switches_mid_questionnaire(tg: BotHarness) -> None:
    kb = default_knowledge()
    chat = await _at_contract(tg)
    await chat.press("Sometimes")
    target = sorted(kb.languages)[-1]
    await chat.send("/language")
    replies = await chat.press(kb.languages[target])
    state = tg.state_of(ANA)
    assert state.lang == target and state.answers["contract"].option == "sometimes"
    assert any(kb.text("language_set", target) in r.text for r in replies)


@pytest.mark.skipif("ru" not in default_knowledge().languages, reason="Russian not shipped")
async def test_russian_user_gets_the_whole_conversation_in_russian(tg: BotHarness) -> None:
    kb = default_knowledge()
    ivan = FakeTelegram.user(901, "Иван", language_code="ru")
    chat = TelegramConversation(tg, ivan)
    await chat.send("/start")
    await chat.press(kb.text("btn_begin", "ru"))
    await chat.send("юридическая фирма")
    typical = next(b for b in kb.businesses if b.id == "law_firm").typical
    while (state := tg.state_of(ivan)).phase == "asking":
        option = kb.option(state.step, typical[state.step])
        await chat.press(option.label["ru"])
    texts = [m.text for m in tg.fake.chat_messages(901)]
    assert any(kb.models["client"].headline["ru"] in t for t in texts)
    english = [pick(kb.messages[k], "en") for k in ("tactics_header", "why_header", "btn_begin")]
    assert not any(e in t for e in english for t in texts), texts[-1]
    assert all(
        b["text"] != "Start over" for m in tg.fake.chat_messages(901) for b in m.flat_buttons
    )
