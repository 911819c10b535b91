"""Hardening found by an adversarial run: unreadable updates, a full disk, a vanished file.

The real bot (PTB Application, SQLite file) runs in-process against the local Bot API
server; nothing inside python-telegram-bot is mocked.
"""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from bot.storage import Store
from bot.updates import ALLOWED_UPDATES
from knowledge.loader import default_knowledge
from tests.telegram_harness import ANA, BORIS, BotHarness, TelegramConversation

KB = default_knowledge()

CAROL = {"id": 303, "is_bot": False, "first_name": "Carol", "language_code": "en"}


def _fill_the_disk(store: Store) -> None:
    """Cap the real file at its size and fill what is left, as a full disk would.

    Handled-update rows with ids below the bot's (they count from 1000) fill the right
    edge of the table and of its time index, where the bot's next row must go.
    """
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count={pages + 2}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for update_id in range(1, 1000):
            with store.db.conn:
                store.db.execute(
                    "INSERT INTO processed_updates (update_id, received_at, replied) "
                    "VALUES (?, ?, 1)",
                    [update_id, time.time()],
                )


def _log_lines(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if needle in r.getMessage()]


async def test_an_unreadable_update_is_skipped_once_and_the_others_are_answered(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = tg.fake.send_text(ANA, "/start")
    # A poll without the fields python-telegram-bot requires (question, options, …).
    bad = tg.fake.send_raw(tg.fake.message_update(CAROL, poll={"id": "p1", "type": "regular"}))
    after = tg.fake.send_text(BORIS, "/start")
    await tg.settle(before, bad, after)
    for user in (ANA, BORIS):
        assert tg.fake.chat_messages(user["id"]), f"{user['first_name']} got no answer"
    assert tg.fake.deliveries[bad] == 1  # confirmed with the rest: never fetched again
    assert len(_log_lines(caplog, f"update={bad} skipped")) == 1
    assert not _log_lines(caplog, "Error while parsing updates")
    assert tg.fake.chat_messages(CAROL["id"]) == []
    # The bot keeps going: a later message from the same user is answered.
    later = tg.fake.send_text(CAROL, "/start")
    await tg.settle(later)
    assert tg.fake.chat_messages(CAROL["id"])
    assert tg.fake.method_calls("getUpdates")[-1]["allowed_updates"] == ALLOWED_UPDATES


async def test_an_unreadable_update_alone_in_a_batch_is_still_confirmed(tg: BotHarness) -> None:
    bad = tg.fake.send_raw(tg.fake.message_update(CAROL, poll={"id": "p2"}))
    await tg.settle(bad)
    later = tg.fake.send_text(ANA, "/start")
    await tg.settle(later)
    assert tg.fake.deliveries[bad] == 1
    assert tg.fake.chat_messages(ANA["id"])


async def test_a_failed_write_apologises_without_claiming_the_answers_are_safe(
    tg: BotHarness,
) -> None:
    chat = TelegramConversation(tg, ANA)
    await chat.send("/start")
    await chat.press("Start")
    before = tg.state_of(ANA)
    _fill_the_disk(tg.store)
    replies = await chat.send("florist")
    texts = [r.text for r in replies]
    assert texts == [KB.text("apology_not_saved", "en")], texts
    assert "safe" not in texts[0]
    assert tg.state_of(ANA) == before  # nothing was written
