"""A local Bot API server for end-to-end tests (aiohttp, 127.0.0.1, random port).

It speaks the subset of the Bot API that the bot uses — getMe, getUpdates (long poll,
offset confirms), sendMessage, editMessageText, answerCallbackQuery, setMyCommands (with
its scope), sendPhoto and sendDocument (multipart uploads, kept as bytes),
deleteWebhook … — keeps every message the bot sent per chat, and can inject faults
(429 with retry_after, 403, 5xx) and redeliver updates. The real python-telegram-bot
HTTP stack talks to it through ``base_url``; nothing inside PTB is mocked.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "424242:TEST-Sup3rSecret-token_value"
BOT_ID = 424242
BOT_USERNAME = "clientwise_test_bot"


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    edits: int = 0

    @property
    def flat_buttons(self) -> list[dict[str, str]]:
        return [b for row in self.buttons for b in row]


INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout"}
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope"}


@dataclass
class SentFile:
    chat_id: int
    kind: str  # "photo" or "document"
    filename: str
    data: bytes
    caption: str | None = None


class FakeTelegram:
    def __init__(self, token: str = TOKEN, seed: int = 0) -> None:
        self.token = token
        # The latency draws: seeded per server, so a run's delays repeat on every run.
        self.random = random.Random(seed)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[int, list[SentMessage]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        # Default-scope command lists by language, and scoped ones by (scope, chat, language).
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.scoped_commands: dict[
            tuple[str, int | None, str | None], list[dict[str, str]]
        ] = {}
        self.files: dict[int, list[SentFile]] = {}
        self._pending: list[dict[str, Any]] = []
        self._delivered: set[int] = set()
        self.deliveries: collections.Counter[int] = collections.Counter()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._faults: dict[str, list[Fault]] = {}
        self._blocked_chats: set[int] = set()
        self._history: dict[int, dict[str, Any]] = {}
        self._forced: list[dict[str, Any]] = []
        # Per-method upper bound of a random delay before answering (seconds).
        self.latency: dict[str, float] = {}
        self._new_update: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> str:
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- test controls ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        self._faults.setdefault(method, []).extend(
            Fault(status, description, retry_after) for _ in range(times)
        )

    def block_chat(self, chat_id: int) -> None:
        """From now on, sending to this chat answers 403 as when the user blocked the bot."""
        self._blocked_chats.add(chat_id)

    def push(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **payload})
        self._wake()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Deliver an update once more even though it was confirmed (a webhook retry)."""
        self._forced.append(dict(self._history[update_id]))
        self._wake()

    def delivered(self, update_id: int) -> bool:
        return update_id in self._delivered

    def _wake(self) -> None:
        if self._new_update is not None:
            self._new_update.set()

    # --- building updates ------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "Ana", language_code: str = "en") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def message_update(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        kind: str = "message",
        **content: Any,
    ) -> dict[str, Any]:
        chat = chat or self.private_chat(user)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **content,
        }
        if kind == "edited_message":
            message["edit_date"] = int(time.time())
        return {kind: message}

    def send_text(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        reply_to: SentMessage | None = None,
    ) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            content["reply_to_message"] = self._as_message(reply_to)
        return self._push_recorded(self.message_update(user, chat, **content))

    def send_raw(self, payload: dict[str, Any]) -> int:
        return self._push_recorded(payload)

    def press(self, user: dict[str, Any], message: SentMessage, data: str) -> int:
        query = {
            "id": str(next(self._message_ids)),
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": self._as_message(message),
        }
        return self._push_recorded({"callback_query": query})

    def _push_recorded(self, payload: dict[str, Any]) -> int:
        update_id = self.push(payload)
        self._history[update_id] = self._pending[-1]
        return update_id

    def _as_message(self, sent: SentMessage) -> dict[str, Any]:
        chat_type = "private" if sent.chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": sent.chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Team"
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._me(),
            "text": sent.text,
        }

    # --- reading what the bot did -------------------------------------------------------------

    def chat_messages(self, chat_id: int) -> list[SentMessage]:
        return self.messages.get(chat_id, [])

    def last_with_buttons(self, chat_id: int) -> SentMessage | None:
        for message in reversed(self.chat_messages(chat_id)):
            if message.buttons:
                return message
        return None

    def chat_files(self, chat_id: int, kind: str | None = None) -> list[SentFile]:
        return [f for f in self.files.get(chat_id, []) if kind is None or f.kind == kind]

    def menu_for(self, chat_id: int, language_code: str | None = None) -> list[str]:
        """The command names a user sees in their private chat, as Telegram picks them:
        a chat scope beats the default one, a matching language beats none."""
        candidates = [
            self.scoped_commands.get(("chat", chat_id, language_code)),
            self.scoped_commands.get(("chat", chat_id, None)),
            self.commands.get(language_code),
            self.commands.get(None),
        ]
        found = next((c for c in candidates if c is not None), [])
        return [c["command"] for c in found]

    def method_calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    # --- the HTTP side ---------------------------------------------------------------------------

    def _me(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Clientwise", "username": BOT_USERNAME}

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        if method in self.latency:
            await asyncio.sleep(self.random.uniform(0, self.latency[method]))
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            return self._error(fault.status, fault.description, fault.retry_after)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._ok(True)
        return await handler(params)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(await request.post())
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in INT_FIELDS and isinstance(value, str):
                params[key] = int(value)
            elif key in JSON_FIELDS and isinstance(value, str):
                params[key] = json.loads(value)
            else:
                params[key] = value
        return params

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    async def _api_getMe(self, params: dict[str, Any]) -> web.Response:
        return self._ok(self._me())

    async def _api_getUpdates(self, params: dict[str, Any]) -> web.Response:
        offset = params.get("offset")
        if offset:
            # Confirmed: everything below the offset is gone for good. Unconfirmed updates
            # are handed out again — after a crash, the restarted bot gets them twice.
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout", 0) or 0), 2.0)
        deadline = time.monotonic() + timeout
        assert self._new_update is not None
        while not (self._pending or self._forced) and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        limit = params.get("limit", 100)
        batch = (self._forced + self._pending)[:limit]
        self._forced = []
        self._delivered.update(u["update_id"] for u in batch)
        self.deliveries.update(u["update_id"] for u in batch)
        return self._ok(batch)

    async def _api_sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = params["chat_id"]
        if chat_id in self._blocked_chats:
            return self._error(403, "Forbidden: bot was blocked by the user")
        sent = SentMessage(
            chat_id=chat_id,
            message_id=next(self._message_ids),
            text=params["text"],
            buttons=(params.get("reply_markup") or {}).get("inline_keyboard", []),
        )
        self.messages.setdefault(chat_id, []).append(sent)
        chat_type = "private" if chat_id > 0 else "supergroup"
        return self._ok(
            {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": chat_type, "title": "Team"},
                "from": self._me(),
                "text": sent.text,
            }
        )

    async def _api_editMessageText(self, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = params["chat_id"], params["message_id"]
        for sent in self.messages.get(chat_id, []):
            if sent.message_id == message_id:
                buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
                if sent.text == params["text"] and sent.buttons == buttons:
                    return self._error(
                        400,
                        "Bad Request: message is not modified: specified new message content "
                        "and reply markup are exactly the same as a current content and reply "
                        "markup of the message",
                    )
                sent.text, sent.buttons = params["text"], buttons
                sent.edits += 1
                return self._ok(
                    {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "from": self._me(),
                        "text": sent.text,
                    }
                )
        return self._error(400, "Bad Request: message to edit not found")

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = params["chat_id"], params["message_id"]
        for sent in self.messages.get(chat_id, []):
            if sent.message_id == message_id:
                buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
                if sent.buttons == buttons:
                    return self._error(400, "Bad Request: message is not modified")
                sent.buttons = buttons
                sent.edits += 1
                return self._ok(True)
        return self._error(400, "Bad Request: message to edit not found")

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        self.callback_answers.append(params)
        return self._ok(True)

    async def _api_setMyCommands(self, params: dict[str, Any]) -> web.Response:
        scope = params.get("scope") or {"type": "default"}
        if scope["type"] == "default":
            self.commands[params.get("language_code")] = params.get("commands", [])
        else:
            chat = scope.get("chat_id")
            key = (scope["type"], int(chat) if chat is not None else None)
            self.scoped_commands[(*key, params.get("language_code"))] = params.get("commands", [])
        return self._ok(True)

    async def _upload(self, params: dict[str, Any], kind: str) -> web.Response:
        chat_id = params["chat_id"]
        if chat_id in self._blocked_chats:
            return self._error(403, "Forbidden: bot was blocked by the user")
        field = params[kind]
        data = field.file.read() if hasattr(field, "file") else bytes(str(field), "utf-8")
        name = getattr(field, "filename", None) or kind
        self.files.setdefault(chat_id, []).append(
            SentFile(chat_id, kind, name, data, params.get("caption"))
        )
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": self._me(),
                kind: [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
                if kind == "photo"
                else {"file_id": "f", "file_unique_id": "u", "file_name": name},
            }
        )

    async def _api_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        return await self._upload(params, "photo")

    async def _api_sendDocument(self, params: dict[str, Any]) -> web.Response:
        return await self._upload(params, "document")
