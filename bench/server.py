"""A lean local Bot API server for the end-to-end benchmark (aiohttp on 127.0.0.1).

Only what a bot needs to run a questionnaire: getMe, getUpdates (long poll with offset),
sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery; every other
method answers ``true``. It keeps, per chat, the messages the bot sent and which one the
user is looking at, and records the reply latency: from the moment a simulated user acts
(``act``) to the moment the bot's reply that changes what the user sees arrives here.
Simulated users live in the same event loop (``wait_view``), so both ends of a latency
share one clock and no inter-process hop is measured.

A reply "changes what the user sees" when a message with buttons is sent, or a message
is edited into different text or buttons: that is what an impatient user reacts to. In
``any_message`` mode (the echo peer) every sent message counts.

``hang`` makes one call for one chat never return (the server holds it), as a stuck
connection does; the bot's own timeout and retry decide what happens next.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "424242:BENCH-not-a-real-token_value"
BOT_ID = 424242
_ME = {"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
_INT = {"chat_id", "message_id", "offset", "limit", "timeout"}
_JSON = {"reply_markup", "allowed_updates", "commands"}


@dataclass
class Shown:
    message_id: int
    text: str
    buttons: list[list[dict[str, str]]]

    @property
    def flat(self) -> list[dict[str, str]]:
        return [b for row in self.buttons for b in row]


@dataclass
class Chat:
    user: dict[str, Any]
    messages: dict[int, Shown] = field(default_factory=dict)
    current: int | None = None  # the message the user acts on (last changed with buttons)
    version: int = 0
    acted_at: float | None = None  # first action still waiting for a reply
    actions: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def view(self) -> Shown | None:
        return self.messages.get(self.current) if self.current is not None else None


class BenchServer:
    def __init__(self, *, any_message: bool = False) -> None:
        self.any_message = any_message
        self.chats: dict[int, Chat] = {}
        # (chat id, seconds, perf_counter when the reply arrived)
        self.latencies: list[tuple[int, float, float]] = []
        self.updates_pushed = 0
        self.calls: collections.Counter[str] = collections.Counter()
        self.first_poll: asyncio.Event = asyncio.Event()
        self.hang_chat: int | None = None
        self.hang_after_actions = 3
        self.hung_at: float | None = None
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)  # one sequence: grows within every chat
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._hold = asyncio.Event()  # never set: what a hung call waits for
        self.base_url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        self._hold.set()  # a hung call may finish now: nobody is waiting for it any more
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the users' side -------------------------------------------------------------------

    def chat(self, user: dict[str, Any]) -> Chat:
        chat = self.chats.get(user["id"])
        if chat is None:
            chat = self.chats[user["id"]] = Chat(user)
        return chat

    def act(
        self,
        chat: Chat,
        *,
        text: str | None = None,
        press: str | None = None,
        on: Shown | None = None,
    ) -> None:
        """The user types ``text`` or presses the button with data ``press`` on ``on``."""
        now = time.perf_counter()
        if chat.acted_at is None:
            chat.acted_at = now
        chat.actions += 1
        user = chat.user
        private = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if text is not None:
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": private,
                "from": user,
                "text": text,
            }
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            payload: dict[str, Any] = {"message": message}
        else:
            assert on is not None and press is not None
            payload = {
                "callback_query": {
                    "id": str(next(self._message_ids)),
                    "from": user,
                    "chat_instance": "bench",
                    "data": press,
                    "message": {
                        "message_id": on.message_id,
                        "date": int(time.time()),
                        "chat": private,
                        "from": _ME,
                        "text": on.text,
                    },
                }
            }
        self._pending.append({"update_id": next(self._update_ids), **payload})
        self.updates_pushed += 1
        self._new_update.set()

    async def wait_view(self, chat: Chat, seen: int, timeout: float) -> bool:
        """Wait until what the chat shows changed after version ``seen``; False on timeout."""
        deadline = time.monotonic() + timeout
        while chat.version == seen:
            chat.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(chat.changed.wait(), left)
            except TimeoutError:
                return False
        return True

    # --- what the bot sent -------------------------------------------------------------------

    def _changed(self, chat: Chat, message_id: int | None) -> None:
        """The chat's view moved on: one latency sample for the action waiting on it."""
        if message_id is not None:
            chat.current = message_id
        elif chat.current is not None and not chat.messages[chat.current].buttons:
            chat.current = None
        chat.version += 1
        if chat.acted_at is not None:
            now = time.perf_counter()
            self.latencies.append((chat.user["id"], now - chat.acted_at, now))
            chat.acted_at = None
        chat.changed.set()

    async def _maybe_hang(self, chat_id: int) -> None:
        chat = self.chats.get(chat_id)
        if (
            chat_id == self.hang_chat
            and self.hung_at is None
            and chat is not None
            and chat.actions >= self.hang_after_actions
        ):
            self.hung_at = time.perf_counter()
            await self._hold.wait()  # until the server stops, or the bot gives up

    # --- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        raw = await request.post() if request.can_read_body else {}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _INT:
                params[key] = int(value)  # type: ignore[arg-type]
            elif key in _JSON:
                params[key] = json.loads(value)  # type: ignore[arg-type]
            else:
                params[key] = value
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _ok(True)
        return await handler(params)

    async def _api_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(_ME)

    async def _api_getUpdates(self, params: dict[str, Any]) -> web.Response:
        self.first_poll.set()
        offset = params.get("offset") or 0
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
        if not self._pending:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), min(params.get("timeout", 0), 10))
        limit = params.get("limit", 100)
        return _ok(list(itertools.islice(self._pending, limit)))

    async def _api_sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = params["chat_id"]
        await self._maybe_hang(chat_id)
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        shown = Shown(next(self._message_ids), params["text"], buttons)
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.messages[shown.message_id] = shown
            if buttons or self.any_message:
                self._changed(chat, shown.message_id)
        return _ok(self._message(chat_id, shown))

    async def _api_editMessageText(self, params: dict[str, Any]) -> web.Response:
        chat_id = params["chat_id"]
        await self._maybe_hang(chat_id)
        chat = self.chats.get(chat_id)
        shown = chat.messages.get(params["message_id"]) if chat else None
        if chat is None or shown is None:
            return _error(400, "Bad Request: message to edit not found")
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        if shown.text == params["text"] and shown.buttons == buttons:
            return _error(400, "Bad Request: message is not modified")
        shown.text, shown.buttons = params["text"], buttons
        self._changed(chat, shown.message_id if buttons else None)
        return _ok(self._message(chat_id, shown))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        chat = self.chats.get(params["chat_id"])
        shown = chat.messages.get(params["message_id"]) if chat else None
        if chat is None or shown is None:
            return _error(400, "Bad Request: message to edit not found")
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        if shown.buttons == buttons:
            return _error(400, "Bad Request: message is not modified")
        shown.buttons = buttons
        if chat.current == shown.message_id and not buttons:
            # The user's view lost its buttons: fall back to the newest message with some.
            chat.current = max((m for m, s in chat.messages.items() if s.buttons), default=None)
        return _ok(True)

    @staticmethod
    def _message(chat_id: int, shown: Shown) -> dict[str, Any]:
        return {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": _ME,
            "text": shown.text,
        }


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )
