"""Runs the real bot (PTB Application, SQLite store) against ``FakeTelegram``.

``BotHarness`` starts both in-process and knows when the bot has finished with an
update; ``TelegramConversation`` is the ``Conversation`` used to replay the YAML dialog
scripts through Telegram, exactly as ``LocalConversation`` replays them in-process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.config import Settings
from bot.storage import Store
from bot.telegram_bot import TelegramFrontEnd, build_application
from bot.updates import ALLOWED_UPDATES
from dialogs.conversation import find_option
from dialogs.engine import Engine
from dialogs.events import Reply, ReplyOption
from dialogs.state import DialogState
from tests.fake_telegram import TOKEN, FakeTelegram, SentMessage

# The users the Telegram tests talk as; STAFF is on the staff list where a test says so.
ANA = FakeTelegram.user(101, "Ana")
BORIS = FakeTelegram.user(202, "Boris")
STAFF = FakeTelegram.user(909, "Sara")


class BotHarness:
    def __init__(self, fake: FakeTelegram, app: Application, store: Store) -> None:
        self.fake = fake
        self.app = app
        self.store = store

    def state_of(self, user: dict[str, Any], chat_id: int | None = None) -> DialogState:
        """The saved dialog state of ``user`` (in their private chat unless ``chat_id``)."""
        stored = self.store.load(chat_id or user["id"], user["id"])
        assert stored is not None, f"nothing saved for user {user['id']}"
        return stored.state

    @property
    def front(self) -> TelegramFrontEnd:
        return self.app.bot_data["front"]

    async def settle(self, *update_ids: int, timeout: float = 15.0) -> None:
        """Wait until the updates were fetched and the bot is idle again."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3:
            if time.monotonic() > deadline:
                raise TimeoutError(f"bot did not finish updates {update_ids}")
            await asyncio.sleep(0.01)
            fetched = all(self.fake.delivered(u) for u in update_ids)
            processor = self.app.update_processor
            idle = (
                self.app.update_queue.empty()
                and processor.current_concurrent_updates == 0
                and getattr(processor, "queued", 0) == 0
            )
            quiet = quiet + 1 if fetched and idle else 0


@asynccontextmanager
async def running_bot(
    db_path: Path,
    fake: FakeTelegram | None = None,
    max_sends_per_second: float = 30,
    admin_ids: list[int] | None = None,
) -> AsyncIterator[BotHarness]:
    fake = fake or FakeTelegram()
    base_url = await fake.start()
    settings = Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url=base_url,
        database=db_path,
        max_sends_per_second=max_sends_per_second,
        admin_ids=admin_ids or [],
    )
    store = Store(db_path)
    app = build_application(settings, Engine.default(), store)
    await app.initialize()
    await app.bot_data["front"].set_commands(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    try:
        yield BotHarness(fake, app, store)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        store.close()
        await fake.stop()


def _snapshot(messages: list[SentMessage]) -> dict[int, tuple[str, int]]:
    return {m.message_id: (m.text, m.edits) for m in messages}


def _as_reply(message: SentMessage) -> Reply:
    options = []
    turn = None
    for button in message.flat_buttons:
        data = button.get("callback_data", "")
        turn_text, _, option = data.partition(":")
        if turn_text.isdigit():
            turn = int(turn_text)
        options.append(ReplyOption(id=option or data, label=button["text"]))
    return Reply(kind="info", text=message.text, options=options, turn=turn)


class TelegramConversation:
    """Drives the bot as one Telegram user in a private chat."""

    def __init__(self, harness: BotHarness, user: dict[str, Any]) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.user = user
        self.chat_id = user["id"]

    async def _collect(self, action: Callable[[], int]) -> list[Reply]:
        before = _snapshot(self.fake.chat_messages(self.chat_id))
        answers_before = len(self.fake.callback_answers)
        update_id = action()
        await self.harness.settle(update_id)
        replies = []
        for answer in self.fake.callback_answers[answers_before:]:
            if answer.get("text"):
                replies.append(Reply(kind="notice", text=answer["text"]))
        for message in self.fake.chat_messages(self.chat_id):
            if before.get(message.message_id) != (message.text, message.edits):
                replies.append(_as_reply(message))
        return replies

    async def send(self, text: str) -> list[Reply]:
        return await self._collect(lambda: self.fake.send_text(self.user, text))

    async def press(self, button: str) -> list[Reply]:
        message = self.fake.last_with_buttons(self.chat_id)
        if message is None:
            raise LookupError("no message with buttons in the chat")
        found = find_option([_as_reply(message)], button)
        if found is None:
            labels = [b["text"] for b in message.flat_buttons]
            raise LookupError(f"no button {button!r}; shown: {labels}")
        option, _ = found
        data = next(b["callback_data"] for b in message.flat_buttons if b["text"] == option.label)
        return await self._collect(lambda: self.fake.press(self.user, message, data))


async def start_questionnaire(
    harness: BotHarness, user: dict[str, Any], description: str
) -> TelegramConversation:
    """/start, Start, and the business description: the bot is at question 2."""
    chat = TelegramConversation(harness, user)
    await chat.send("/start")
    await chat.press("Start")
    await chat.send(description)
    return chat
