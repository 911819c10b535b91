"""One path per update in the Telegram adapter (issue 11).

Whatever a handler does with an update, it is recorded as answered once (the row that
makes a redelivery a duplicate) and its note is one log line; a handler that fails leaves
a stored step pending so that it is shown again. The stored conversation is read once per
update, and the finished result is built from the engine's own outcome. Counted with
spies on the real ``Store`` and ``Engine`` objects; PTB runs unmocked.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

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
ROBOT = {"id": 999, "is_bot": True, "first_name": "OtherBot"}
STICKER = {
    "file_id": "s",
    "file_unique_id": "s1",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


def _answered_writes(tg: BotHarness, monkeypatch: pytest.MonkeyPatch) -> collections.Counter:
    """Counts, per update id, the writes that record an update as answered."""
    writes: collections.Counter[int] = collections.Counter()
    record, mark = tg.store.record_update, tg.store.mark_replied

    def record_update(update_id: int, *args: Any, **kwargs: Any) -> None:
        writes[update_id] += 1
        record(update_id, *args, **kwargs)

    def mark_replied(update_id: int) -> None:
        writes[update_id] += 1
        mark(update_id)

    sent = tg.store.mark_sent

    def mark_sent(update_id: int, *args: Any) -> None:  # delivered and answered, at once
        writes[update_id] += 1
        sent(update_id, *args)

    monkeypatch.setattr(tg.store, "record_update", record_update)
    monkeypatch.setattr(tg.store, "mark_replied", mark_replied)
    monkeypatch.setattr(tg.store, "mark_sent", mark_sent)
    return writes


def _events(caplog: pytest.LogCaptureFixture, update_id: int) -> list[str]:
    """The event of each log line written for ``update_id`` (one per delivery)."""
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "clientwise.updates" and r.getMessage().startswith(f"update={update_id} ")
    ]
    return [m[1] if (m := re.search(r" event=(\w+)", line)) else "?" for line in lines]


async def _at_question_2(tg: BotHarness) -> TelegramConversation:
    return await start_questionnaire(tg, ANA, "florist")


def _question(tg: BotHarness, chat_id: int = ANA["id"]) -> Any:
    message = tg.fake.last_with_buttons(chat_id)
    assert message is not None
    return message


def _data(tg: BotHarness, label: str) -> str:
    message = _question(tg)
    return next(b["callback_data"] for b in message.flat_buttons if b["text"] == label)


async def _redelivered(tg: BotHarness) -> list[int]:
    update_id = tg.fake.send_text(ANA, "no")
    await tg.settle(update_id)
    tg.fake.redeliver(update_id)
    return [update_id, update_id]


async def _group_start(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))


# kind -> (set-up, the update(s) under test, the event each delivery logs)
Action = Callable[[BotHarness], Awaitable[list[int]]]


async def _one(update_id: int) -> list[int]:
    return [update_id]


PATHS: dict[str, tuple[Action, list[str]]] = {
    "text": (lambda tg: _one(tg.fake.send_text(ANA, "no")), ["text"]),
    "button": (lambda tg: _one(tg.fake.press(ANA, _question(tg), _data(tg, "No"))), ["choose"]),
    "command": (lambda tg: _one(tg.fake.send_text(ANA, "/help")), ["help"]),
    "unknown_command": (lambda tg: _one(tg.fake.send_text(ANA, "/frobnicate")), ["help"]),
    "sticker": (
        lambda tg: _one(tg.fake.send_raw(tg.fake.message_update(ANA, sticker=STICKER))),
        ["unsupported"],
    ),
    "edited_message": (
        lambda tg: _one(
            tg.fake.send_raw(tg.fake.message_update(ANA, kind="edited_message", text="no"))
        ),
        ["edited"],
    ),
    "group_chatter": (
        lambda tg: _one(tg.fake.send_text(BORIS, "lunch anyone?", chat=GROUP)),
        ["group_chatter"],
    ),
    "group_unknown_command": (
        lambda tg: _one(tg.fake.send_text(BORIS, "/weather", chat=GROUP)),
        ["unknown_command"],
    ),
    "forged_button": (
        lambda tg: _one(tg.fake.press(ANA, _question(tg), "garbage")),
        ["forged_button"],
    ),
    "other_users_button": (
        lambda tg: _one(tg.fake.press(BORIS, _question(tg), _data(tg, "No"))),
        ["other_users_button"],
    ),
    "earlier_turn_button": (
        lambda tg: _one(tg.fake.press(ANA, _question(tg), f"1:begin:{ANA['id']}")),
        ["stale_button"],
    ),
    "forget": (lambda tg: _one(tg.fake.send_text(ANA, "/forget")), ["forget_asked"]),
    "other_bot": (
        lambda tg: _one(tg.fake.send_raw(tg.fake.message_update(ROBOT, text="/start"))),
        ["ignored"],
    ),
    "duplicate": (_redelivered, ["text", "duplicate"]),
}


@pytest.mark.parametrize("kind", sorted(PATHS))
async def test_every_handler_path_records_the_update_once_and_logs_one_note(
    tg: BotHarness,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _at_question_2(tg)
    await _group_start(tg)
    action, events = PATHS[kind]
    writes = _answered_writes(tg, monkeypatch)
    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        update_ids = await action(tg)
        await tg.settle(*update_ids)
        await tg.settle(*update_ids)  # a redelivery comes on a later poll
    update_id = update_ids[0]
    assert writes[update_id] == 1, writes
    assert tg.store.update_status(update_id) == "replied"
    assert _events(caplog, update_id) == events


async def test_a_pending_update_delivered_again_shows_the_question_and_is_answered_once(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_question_2(tg)
    update_id = tg.fake.send_text(ANA, "no")
    await tg.settle(update_id)
    # As after a crash between storing the step and sending its replies.
    tg.store.db["processed_updates"].update(update_id, {"replied": 0})
    tg.store.db.conn.commit()
    writes = _answered_writes(tg, monkeypatch)
    sent = len(tg.fake.chat_messages(ANA["id"]))
    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        tg.fake.redeliver(update_id)
        await tg.settle(update_id)
        await tg.settle(update_id)
    assert writes[update_id] == 1
    assert tg.store.update_status(update_id) == "replied"
    assert _events(caplog, update_id) == ["redelivered"]
    assert "shop around" in tg.fake.chat_messages(ANA["id"])[sent].text  # the current question
    assert tg.state_of(ANA).answers["contract"].option == "never"  # applied once, not twice


async def test_a_handler_that_fails_after_storing_leaves_the_step_pending(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_question_2(tg)
    writes = _answered_writes(tg, monkeypatch)
    tg.fake.fail_next("editMessageText", 400, "Bad Request: chat not found")
    tg.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")  # then the apology
    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        update_id = tg.fake.press(ANA, _question(tg), _data(tg, "No"))
        await tg.settle(update_id)
    assert tg.state_of(ANA).step == "exclusivity"  # the step was stored …
    assert tg.store.update_status(update_id) == "pending"  # … but not answered
    assert writes[update_id] == 0
    assert _events(caplog, update_id) == ["choose"]  # the note is written all the same
    assert [u for u, _, _ in tg.store.unreplied(3600)] == [update_id]  # start-up re-shows it


async def test_a_handler_that_fails_before_storing_records_nothing(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_question_2(tg)
    writes = _answered_writes(tg, monkeypatch)
    tg.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    with caplog.at_level(logging.INFO, logger="clientwise.updates"):
        update_id = tg.fake.send_raw(tg.fake.message_update(ANA, sticker=STICKER))
        await tg.settle(update_id)
    assert writes[update_id] == 0
    # Nothing changed, so a redelivery may be handled afresh.
    assert tg.store.update_status(update_id) == "new"
    assert _events(caplog, update_id) == ["unsupported"]


@pytest.mark.parametrize("how", ["typed", "tapped"])
async def test_an_answer_reads_the_stored_conversation_once(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    chat = await _at_question_2(tg)
    loads: list[tuple[int, int]] = []
    load = tg.store.load

    def counting_load(chat_id: int, user_id: int) -> Any:
        loads.append((chat_id, user_id))
        return load(chat_id, user_id)

    monkeypatch.setattr(tg.store, "load", counting_load)
    await (chat.send("no") if how == "typed" else chat.press("No"))
    monkeypatch.undo()
    assert tg.state_of(ANA).answers["contract"].option == "never"
    assert loads == [(ANA["id"], ANA["id"])]


@pytest.mark.parametrize("how", ["typed", "tapped"])
async def test_an_answer_is_two_write_transactions_one_before_and_one_after_sending(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    chat = await _at_question_2(tg)
    statements: list[str] = []
    execute = tg.store.db.execute

    def counting_execute(sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    monkeypatch.setattr(tg.store.db, "execute", counting_execute)
    await (chat.send("no") if how == "typed" else chat.press("No"))
    monkeypatch.undo()
    assert tg.state_of(ANA).answers["contract"].option == "never"
    assert tg.state_of(ANA).turn == tg.store.load(ANA["id"], ANA["id"]).delivered_turn
    # The step before the replies go out; delivered and answered together after.
    assert statements.count("BEGIN IMMEDIATE") == 2


async def test_the_result_row_comes_from_the_engines_outcome(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = await _at_question_2(tg)
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
    ]:
        await chat.press(label)
    engine = tg.front.engine
    outcomes = []
    outcome = engine.outcome

    def counting_outcome(state: Any) -> Any:
        outcomes.append(state.phase)
        return outcome(state)

    monkeypatch.setattr(engine, "outcome", counting_outcome)
    await chat.press("A wide range")  # the last answer: the result card and its row
    monkeypatch.undo()
    assert outcomes == ["done"]  # computed once, for the card; the row reuses it
    rows = tg.store.results_for(ANA["id"])
    assert len(rows) == 1 and rows[0]["model"] == "customer"


async def test_a_command_with_its_words_on_the_next_line_is_that_command(
    tmp_path: Path,
) -> None:
    """Telegram's command entity ends at the first blank, not the first space: the words
    on the next line are the command's argument, as ``context.args`` has them."""
    user = FakeTelegram.user(303, "Ana")
    async with running_bot(tmp_path / "bot.db", admin_ids=[user["id"]]) as tg:  # /triage: staff
        replies = await TelegramConversation(tg, user).send(
            "/triage\nlaw firm,  retainer agreements"
        )
        assert not any("/triage" in r.text for r in replies), replies  # not "unknown command"
        assert tg.state_of(user).answers["business"].text == "law firm, retainer agreements"


async def test_the_start_up_prune_hands_the_loop_back_between_batches(
    tg: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of thousands of stale records after downtime: updates are handled while
    they go, not after."""
    order: list[str] = []
    batch = tg.store.prune_updates_batch
    left = [3]  # three batches of work, then none

    def counting_batch(*args: Any, **kwargs: Any) -> int:
        order.append("batch")
        batch(*args, **kwargs)
        left[0] -= 1
        return 5000 if left[0] >= 0 else 0

    async def other() -> None:
        for _ in range(3):
            order.append("other")
            await asyncio.sleep(0)

    monkeypatch.setattr(tg.store, "prune_updates_batch", counting_batch)
    pruned, _ = await asyncio.gather(tg.front.prune_backlog(), other())
    assert pruned == 15000
    assert order.count("batch") == 4  # the last one found nothing
    assert "other" in order[order.index("batch") + 1 : len(order) - 1 - order[::-1].index("batch")]
