"""Hardening found by an adversarial run: unreadable updates, a full disk, a vanished file.

The real bot (PTB Application, SQLite file) runs in-process against the local Bot API
server; nothing inside python-telegram-bot is mocked.
"""

from __future__ import annotations

import logging

import pytest

from bot.updates import ALLOWED_UPDATES
from tests.telegram_harness import ANA, BORIS, BotHarness

CAROL = {"id": 303, "is_bot": False, "first_name": "Carol", "language_code": "en"}


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
