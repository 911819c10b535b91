"""Per-chat ordering for concurrently processed updates.

With ``concurrent_updates`` PTB runs updates in parallel but promises no order within a
chat. ``ChatOrderedProcessor`` keeps one queue per chat: the first update of a chat
becomes that chat's worker and drains the queue in arrival order; later updates of the
same chat are queued behind it and give their processing slot back at once, so one busy
chat never holds more than one slot while other chats proceed. It also writes the one
structured log line per handled update.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("clientwise.updates")

# Note fields that carry what a user typed (a deep-link payload): logged at DEBUG only,
# so the INFO log says what happened, never what anybody wrote.
USER_TEXT_FIELDS = frozenset({"payload"})

# Handlers add what they did (event, phase, step) to the current update's note.
update_note: ContextVar[dict[str, object] | None] = ContextVar("update_note", default=None)


def chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, deque[tuple[object, Awaitable[Any]]]] = {}

    @property
    def queued(self) -> int:
        """Updates waiting behind another update of their chat."""
        return sum(len(q) - 1 for q in self._queues.values())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await _run(update, None, coroutine)
            return
        queue = self._queues.get(key)
        if queue is not None:  # this chat already has a worker: wait in its queue
            queue.append((update, coroutine))
            return
        queue = self._queues[key] = deque([(update, coroutine)])
        try:
            while queue:
                current, work = queue[0]
                try:
                    await _run(current, key, work)
                finally:
                    queue.popleft()
        finally:
            del self._queues[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: PTB waits for the workers, which drain their queues."""


async def _run(update: object, chat: int | None, work: Awaitable[Any]) -> None:
    note: dict[str, object] = {}
    token = update_note.set(note)
    started = time.perf_counter()
    try:
        await work
    except Exception:  # PTB reports handler errors itself; never let one stop a queue
        log.exception("update=%s crashed outside the handlers", _update_id(update))
    finally:
        update_note.reset(token)
        fields = " ".join(f"{k}={v}" for k, v in note.items() if k not in USER_TEXT_FIELDS)
        if log.isEnabledFor(logging.DEBUG) and USER_TEXT_FIELDS & note.keys():
            log.debug(
                "update=%s %s",
                _update_id(update),
                " ".join(f"{k}={note[k]}" for k in USER_TEXT_FIELDS & note.keys()),
            )
        log.info(
            "update=%s chat=%s %s ms=%.1f",
            _update_id(update),
            chat,
            fields or "event=none",
            (time.perf_counter() - started) * 1000,
        )


def _update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None
