"""Per-chat ordering for concurrently processed updates.

With ``concurrent_updates`` PTB runs updates in parallel but promises no order within
a chat. ``ChatOrderedProcessor`` serialises the updates of one chat behind a per-chat
lock (asyncio locks queue waiters first-come, first-served) while other chats proceed,
and writes the one structured log line per update.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("clientwise.updates")

# Handlers add what they did (event, phase, step) to the current update's note.
update_note: ContextVar[dict[str, object] | None] = ContextVar("update_note", default=None)


def chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                note: dict[str, object] = {}
                token = update_note.set(note)
                started = time.perf_counter()
                try:
                    await coroutine
                finally:
                    update_note.reset(token)
                    _log_update(update, key, note, time.perf_counter() - started)
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle chats so the dict stays small
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _log_update(update: object, chat: int | None, note: dict[str, object], seconds: float) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    fields = " ".join(f"{k}={v}" for k, v in note.items())
    log.info(
        "update=%s chat=%s %s ms=%.1f", update_id, chat, fields or "event=none", seconds * 1000
    )
