"""Faults on the way to and from Telegram: redelivered updates, 429, 5xx, users who
blocked the bot, unexpected errors, lost edits, crash recovery, and the token never
reaching a log line. Real python-telegram-bot stack, local Bot API server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.logs import install_redaction
from bot.storage import Store
from dialogs.state import DialogState
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_harness import (
    ANA,
    BORIS,
    BotHarness,
    TelegramConversation,
    running_bot,
    start_questionnaire,
)


async def _to_first_choice(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "law firm")


async def _at_contract(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "florist")


async def test_duplicate_delivery_is_processed_once(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    await chat.press("No")
    sent_before = len(tg.fake.chat_messages(ANA["id"]))
    update_id = tg.fake.send_text(ANA, "they shop around")
    await tg.settle(update_id)
    tg.fake.redeliver(update_id)
    await tg.settle(update_id)
    await asyncio.sleep(0.2)
    await tg.settle(update_id)
    state = tg.state_of(ANA)
    assert state.history.count("exclusivity") == 1
    assert state.step == "support"
    assert len(tg.fake.chat_messages(ANA["id"])) == sent_before + 1


async def test_429_is_waited_out_and_the_reply_arrives(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    replies = await chat.send("/start")
    assert any("quick questions" in r.text for r in replies)
    assert len(tg.fake.method_calls("sendMessage")) == 2  # the refused one and the retry


async def test_429_is_waited_out_with_the_send_limit_lifted(tmp_path: Path) -> None:
    """CLIENTWISE_MAX_SENDS_PER_SECOND=0 lifts the limit, not the retry of a 429."""
    async with running_bot(tmp_path / "bot.db", max_sends_per_second=0) as tg:
        chat = TelegramConversation(tg, ANA)
        tg.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        replies = await chat.send("/start")
        assert any("quick questions" in r.text for r in replies)
        assert len(tg.fake.method_calls("sendMessage")) == 2  # the refused one and the retry
        assert not any("Sorry" in m.text for m in tg.fake.chat_messages(ANA["id"]))


async def test_5xx_is_retried(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 502, "Bad Gateway")
    replies = await chat.send("/start")
    assert any("quick questions" in r.text for r in replies)


async def test_blocked_user_is_marked_inactive_and_the_bot_keeps_running(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _to_first_choice(tg)
    tg.fake.block_chat(ANA["id"])
    update_id = tg.fake.send_text(ANA, "yes")
    await tg.settle(update_id)
    assert tg.store.is_active(ANA["id"]) is False
    assert tg.state_of(ANA).answers["contract"].option == "usually"  # answer kept
    replies = await TelegramConversation(tg, BORIS).send("/start")
    assert any("Hi Boris!" in r.text for r in replies)


async def test_unexpected_error_is_logged_once_and_user_gets_apology(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    with caplog.at_level(logging.ERROR):
        update_id = tg.fake.send_text(ANA, "/start")
        await tg.settle(update_id)
    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failures) == 1 and f"update={update_id}" in failures[0].getMessage()
    assert "Sorry, something went wrong" in tg.fake.chat_messages(ANA["id"])[-1].text
    replies = await chat.send("/help")  # still alive
    assert replies


async def test_token_never_appears_in_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    install_redaction([TOKEN])
    with caplog.at_level(logging.DEBUG):
        async with running_bot(tmp_path / "bot.db") as tg:
            tg.fake.fail_next("sendMessage", 429, "Too Many Requests", retry_after=1)
            tg.fake.fail_next("editMessageText", 400, "Bad Request: chat not found")
            chat = await _to_first_choice(tg)
            await chat.press("Sometimes")
            logging.getLogger("test").info("url was %s/bot%s/getMe", "http://x", TOKEN)
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20  # the bot did log plenty
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text


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
