"""Per-chat ordering (bot/ordering.py): the processor on its own, then end to end through
the real python-telegram-bot stack and a local Bot API server."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from telegram import Update

from bot.ordering import ChatOrderedProcessor, update_note
from bot.telegram_bot import callback_data
from tests.telegram_harness import ANA, BORIS, BotHarness, TelegramConversation, start_questionnaire


def _update(update_id: int, chat_id: int) -> Update:
    data: dict[str, Any] = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": "hi",
        },
    }
    return Update.de_json(data, None)


async def test_a_chats_updates_run_one_at_a_time_in_arrival_order() -> None:
    processor = ChatOrderedProcessor()
    release = asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        order.append("first starts")
        await release.wait()
        order.append("first ends")

    async def second() -> None:
        order.append("second runs")

    worker = asyncio.create_task(processor.do_process_update(_update(1, 7), first()))
    await asyncio.sleep(0)
    await processor.do_process_update(_update(2, 7), second())  # queued, returns at once
    assert processor.queued == 1 and order == ["first starts"]
    release.set()
    await worker
    assert order == ["first starts", "first ends", "second runs"]
    assert processor.queued == 0


async def test_a_busy_chat_does_not_hold_up_another_chat() -> None:
    processor = ChatOrderedProcessor()
    release = asyncio.Event()
    done: list[int] = []

    async def slow() -> None:
        await release.wait()
        done.append(7)

    async def quick() -> None:
        done.append(8)

    worker = asyncio.create_task(processor.do_process_update(_update(1, 7), slow()))
    await asyncio.sleep(0)
    await processor.do_process_update(_update(2, 8), quick())
    assert done == [8]  # chat 8 finished while chat 7 still waits
    release.set()
    await worker
    assert done == [8, 7]


async def test_a_crashing_update_does_not_stop_its_chats_queue(
    caplog: pytest.LogCaptureFixture,
) -> None:
    processor = ChatOrderedProcessor()
    release = asyncio.Event()
    ran: list[int] = []

    async def crash() -> None:
        await release.wait()
        raise RuntimeError("boom")

    async def after() -> None:
        ran.append(2)

    worker = asyncio.create_task(processor.do_process_update(_update(1, 7), crash()))
    await asyncio.sleep(0)
    await processor.do_process_update(_update(2, 7), after())
    release.set()
    with caplog.at_level(logging.ERROR, logger="clientwise.updates"):
        await worker
    assert ran == [2]
    assert any("update=1 crashed" in r.getMessage() for r in caplog.records)


async def test_each_update_logs_one_line_with_its_note_and_no_typed_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler() -> None:
        note = update_note.get()
        assert note is not None
        note.update({"event": "start", "payload": "typed by a user"})

    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        await ChatOrderedProcessor().do_process_update(_update(5, 9), handler())
    lines = [r.getMessage() for r in caplog.records if r.name == "clientwise.updates"]
    assert len(lines) == 1
    assert re.match(r"^update=5 chat=9 event=start ms=[\d.]+$", lines[0]), lines


async def test_updates_of_one_chat_are_processed_in_order(tg: BotHarness) -> None:
    # Six taps sent at once, each carrying the turn its predecessor leads to: processed
    # out of order, a tap would meet the wrong turn and be refused.
    await start_questionnaire(tg, ANA, "florist")
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    turn = tg.state_of(ANA).turn
    taps = ["never", "shop_around", "none", "standard", "same_day"]
    ids = [
        tg.fake.press(ANA, message, callback_data(turn + i, option, ANA["id"]))
        for i, option in enumerate(taps)
    ]
    other = [tg.fake.send_text(BORIS, "/start")]
    await tg.settle(*ids, *other)
    state = tg.state_of(ANA)
    assert state.history == [
        "business",
        "contract",
        "exclusivity",
        "support",
        "customisation",
        "sales_cycle",
    ]
    assert state.answers["support"].option == "none"
    assert not [a for a in tg.fake.callback_answers if a.get("text")]


async def test_one_structured_log_line_per_update(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await start_questionnaire(tg, ANA, "florist")
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
