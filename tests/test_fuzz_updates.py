"""A bounded fuzzer: random but well-shaped updates through the local Bot API server.

Each example starts the real bot (PTB, SQLite file) against ``FakeTelegram`` and delivers
a short random sequence — right-to-left and zero-width text, 4,096-character texts,
commands, media, group chatter, edited messages, forged button data — one update at a
time. Nothing may make a handler fail, every private text gets an answer, and afterwards
a newcomer's /start is still answered. Derandomized and small, so it costs the same few
seconds on every run.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import running_bot

USERS = [FakeTelegram.user(101, "Ana"), FakeTelegram.user(202, "Boris", "ru")]
NEWCOMER = FakeTelegram.user(909, "Newcomer", "tr")
GROUP = {"id": -4242, "type": "supergroup", "title": "Team"}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
ALPHABET = st.sampled_from(
    list("abc xyz 123 ,.!?")
    + list("مرحبا שלום")  # right to left
    + list(ZERO_WIDTH)
    + list("ğüşİıțăâîșщЖ🙂👍")
)
COMMANDS = ["/start", "/help", "/back", "/restart", "/language", "/triage", "/cancel", "/x"]

texts = st.one_of(
    st.text(ALPHABET, min_size=1, max_size=60).filter(lambda t: t.strip(ZERO_WIDTH + " ")),
    st.sampled_from(COMMANDS),
    st.sampled_from(["florist", "law firm", "no", "yes", "not sure", "a few"]),
    st.builds(lambda c: (c * 4096)[:4096], st.sampled_from(["ا", "a", "\u200b", "ж "])),
)
MEDIA = [
    {"photo": [{"file_id": "p", "file_unique_id": "pu", "width": 9, "height": 9}]},
    {"sticker": {"file_id": "s", "file_unique_id": "su", "type": "regular", "width": 9,
                 "height": 9, "is_animated": False, "is_video": False}},
    {"location": {"latitude": 41.0, "longitude": 28.9}},
    {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 2}},
]  # fmt: skip


def _private_text(fake: FakeTelegram, user: dict[str, Any], text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return fake.message_update(user, **content)


def _button(fake: FakeTelegram, user: dict[str, Any], data: str, message_id: int) -> dict:
    message = {
        "message_id": message_id,
        "date": 1,
        "chat": fake.private_chat(user),
        "from": fake._me(),
        "text": "?",
    }
    query = {"id": "q", "from": user, "chat_instance": "ci", "data": data, "message": message}
    return {"callback_query": query}


# One step: (kind, user index, payload) — built into an update against the live fake.
steps = st.one_of(
    st.tuples(st.just("text"), st.integers(0, 1), texts),
    st.tuples(st.just("media"), st.integers(0, 1), st.integers(0, len(MEDIA) - 1)),
    st.tuples(st.just("group"), st.integers(0, 1), texts),
    st.tuples(st.just("edited"), st.integers(0, 1), texts),
    st.tuples(
        st.just("button"),
        st.integers(0, 1),
        st.one_of(
            st.text(ALPHABET, max_size=64),
            st.builds(
                lambda turn, option, owner: f"{turn}:{option}:{owner}",
                st.integers(0, 40),
                st.sampled_from(["yes", "no", "begin", "x_y", "Ä"]),
                st.sampled_from([101, 202, 7]),
            ),
            st.sampled_from(["forget:yes:101", "forget:no:202", "forget:yes:7"]),
        ),
    ),
)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _play(sequence: list[tuple[str, int, Any]]) -> None:
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with running_bot(Path(folder) / "bot.db") as tg:
                fake = tg.fake
                for kind, who, payload in sequence:
                    user = USERS[who]
                    chat = fake.chat_messages(user["id"])
                    before = (len(chat), sum(m.edits for m in chat))
                    if kind == "text":
                        update = _private_text(fake, user, payload)
                    elif kind == "media":
                        update = fake.message_update(user, **MEDIA[payload])
                    elif kind == "group":
                        update = fake.message_update(user, GROUP, text=payload)
                    elif kind == "edited":
                        update = fake.message_update(user, kind="edited_message", text=payload)
                    else:
                        shown = fake.last_with_buttons(user["id"])
                        update = _button(fake, user, payload, shown.message_id if shown else 1)
                    await tg.settle(fake.send_raw(update))
                    if kind == "text":
                        chat = fake.chat_messages(user["id"])
                        after = (len(chat), sum(m.edits for m in chat))
                        assert after != before, f"no answer to {payload[:40]!r}"
                await tg.settle(fake.send_text(NEWCOMER, "/start"))
                assert fake.chat_messages(NEWCOMER["id"]), "the bot stopped answering"
    finally:
        logging.getLogger().removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]


@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(steps, min_size=1, max_size=10))
def test_random_updates_never_break_the_bot(sequence: list[tuple[str, int, Any]]) -> None:
    asyncio.run(_play(sequence))


def test_a_button_on_an_inline_message_without_message_is_answered() -> None:
    # Taps on buttons of inline-mode messages carry inline_message_id and no message.
    async def play() -> None:
        errors = _Errors()
        logging.getLogger().addHandler(errors)
        try:
            with tempfile.TemporaryDirectory() as folder:
                async with running_bot(Path(folder) / "bot.db") as tg:
                    query = {
                        "id": "q",
                        "from": USERS[0],
                        "chat_instance": "ci",
                        "inline_message_id": "AAA",
                        "data": "1:yes:101",
                    }
                    await tg.settle(tg.fake.send_raw({"callback_query": query}))
                    await tg.settle(tg.fake.send_text(NEWCOMER, "/start"))
                    assert tg.fake.chat_messages(NEWCOMER["id"])
        finally:
            logging.getLogger().removeHandler(errors)
        assert not errors.records, [r.getMessage() for r in errors.records]

    asyncio.run(play())
