"""The staff desk on Telegram, and the owner's /history.

Staff are the user ids in CLIENTWISE_ADMIN_IDS. Their commands — /triage, /case, /recent,
/stats, /export — refuse anyone else with one polite line (logged with the user id), and
appear only in the staff members' own command menus (``set_my_commands`` scoped to each
one's private chat), never in anyone else's menu, help or buttons. Data about many users
(/recent, /stats, /export) is sent to the staff member's private chat only, even when
asked in a group, so other members of the group never see it.

Every handler here runs before the general ones of bot/telegram_bot.py (``register`` is
called right after the update gate) and is wrapped by the front end's ``handles``, which
records each update once; what changes a conversation goes through the front end's
``_step``, so duplicates, ordering and crash recovery work as for any other update. The numbers come
from bot/desk.py, the same functions the command line uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler, ContextTypes

from bot import desk
from bot.config import Settings
from bot.picture import off_loop, result_jpeg, stats_jpeg
from bot.storage import Store
from dialogs.events import Case, Triage
from dialogs.render import Outcome
from dialogs.state import DialogState
from knowledge.model import Knowledge
from knowledge.schema import DEFAULT_LANG

if TYPE_CHECKING:
    from bot.telegram_bot import App, Handling, TelegramFrontEnd

log = logging.getLogger("clientwise.staff")

STAFF_COMMANDS = ("triage", "case", "recent", "stats", "export")
OWNER_COMMANDS = ("history",)
RETENTION_EVERY = 24 * 3600
StaffCallback = Callable[["Handling", ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
PTBHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class StaffDesk:
    def __init__(
        self, front: TelegramFrontEnd, admin_ids: frozenset[int], retention_days: int | None
    ) -> None:
        self.front = front
        self.kb = front.kb
        self.admin_ids = admin_ids
        self.retention_days = retention_days
        self._retention: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, front: TelegramFrontEnd, settings: Settings | None) -> StaffDesk:
        if settings is None:
            return cls(front, frozenset(), None)
        return cls(front, frozenset(settings.admin_ids), settings.retention_days)

    def register(self, app: App) -> None:
        app.add_handler(CommandHandler(list(STAFF_COMMANDS), self._wrap(self._on_staff_command)))
        app.add_handler(CommandHandler(list(OWNER_COMMANDS), self._wrap(self._on_history)))
        app.bot_data["desk"] = self
        if self.retention_days:
            # The retention sweep runs at start-up and then daily, beside the bot.
            previous = app.post_init

            async def post_init(application: App) -> None:
                if previous is not None:
                    await previous(application)
                self._retention = application.create_task(self._retention_loop())

            app.post_init = post_init

    def _wrap(self, callback: StaffCallback) -> PTBHandler:
        """A PTB callback running ``callback`` inside the front end's ``handles``."""
        from bot.telegram_bot import handles

        async def run(
            front: TelegramFrontEnd, work: Handling, context: ContextTypes.DEFAULT_TYPE
        ) -> None:
            await callback(work, context)

        return functools.partial(handles(run), self.front)

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    # --- the command menu -------------------------------------------------------------

    async def set_commands(self, app: App) -> None:
        """Each staff member's private chat gets everyone's commands plus the staff ones,
        in every language; nobody else's menu changes."""
        from bot.telegram_bot import COMMANDS

        for staff_id in sorted(self.admin_ids):
            for lang in self.kb.languages:
                commands = [
                    BotCommand(c, self.kb.text(f"cmd_{c}", lang))
                    for c in (*COMMANDS, *STAFF_COMMANDS)
                ]
                code = None if lang == DEFAULT_LANG else lang
                try:
                    await app.bot.set_my_commands(
                        commands, scope=BotCommandScopeChat(staff_id), language_code=code
                    )
                except BadRequest as exc:  # e.g. "chat not found": never talked to the bot
                    log.warning("staff menu for user=%s not set: %s", staff_id, exc)
                    break

    # --- retention ---------------------------------------------------------------------

    async def _retention_loop(self) -> None:
        assert self.retention_days
        while True:
            try:
                deleted = self.front.store.prune_results(self.retention_days)
                log.info(
                    "retention: %d result(s) older than %d days deleted",
                    deleted,
                    self.retention_days,
                )
            except Exception:  # a failed sweep is retried tomorrow; the bot keeps serving
                log.warning("retention sweep failed", exc_info=True)
            await asyncio.sleep(RETENTION_EVERY)

    # --- handlers ------------------------------------------------------------------------

    def _lang(self, work: Handling) -> str:
        return self.front._lang(self.front._saved(work), work.update)

    async def _on_staff_command(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/triage, /case, /recent, /stats, /export: staff only."""
        update = work.update
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        assert message is not None and user is not None and chat is not None
        command = (message.text or "").split(maxsplit=1)[0][1:].split("@", 1)[0].casefold()
        args = " ".join(context.args or [])
        if not self.is_staff(user.id):
            # The id tells who tried; the text may be a caller's words, so it stays out.
            log.info("staff command /%s refused: user=%s is not staff", command, user.id)
            work.note.update(event="staff_refused", command=command)
            await self.front._send(chat.id, self.kb.text("staff_only", self._lang(work)), None)
            return
        work.note.update(event=f"staff_{command}")
        if command == "triage":
            await self.front._step(work, Triage(text=args))
        elif command == "case":
            await self.front._step(work, Case(label=args, subject=_caller(update)))
        else:
            await self._staff_data(work, command, args)

    async def _staff_data(self, work: Handling, command: str, args: str) -> None:
        """/recent, /stats, /export: sent to the staff member's private chat only."""
        user, chat = work.update.effective_user, work.update.effective_chat
        assert user is not None and chat is not None
        lang = self._lang(work)
        try:
            since = desk.parse_since(args) if command in ("stats", "export") else None
        except ValueError:
            await self.front._send(chat.id, self.kb.text("since_invalid", lang), None)
            return
        try:
            if command == "recent":
                text = desk.recent_text(self.kb, desk.recent(self.front.store), lang)
                await self.front._send(user.id, text, None)
            elif command == "stats":
                await self._send_stats(user.id, since, lang)
            else:
                await self._send_export(user.id, since, lang)
        except Forbidden:
            # The staff member never opened a private chat with the bot.
            await self.front._send(chat.id, self.kb.text("staff_open_private", lang), None)

    async def _send_stats(self, chat_id: int, since: str | None, lang: str) -> None:
        numbers = await asyncio.to_thread(_stats_in_thread, self.front.store.path, since)
        await self.front._send(chat_id, desk.stats_text(self.kb, numbers, lang), None)
        if numbers.count:
            chart = await off_loop(stats_jpeg, self.kb, lang, dict(numbers.by_model))
            await self.front._retry(lambda: self.front.bot.send_photo(chat_id, chart))

    async def _send_export(self, chat_id: int, since: str | None, lang: str) -> None:
        path, count = await asyncio.to_thread(
            _export_in_thread, self.front.store.path, self.kb, since
        )
        try:
            name = f"clientwise-results{'-since-' + since if since else ''}.csv"
            caption = self.kb.text("export_caption", lang, count=count)
            with open(path, "rb") as document:
                await self.front._retry(
                    lambda: self.front.bot.send_document(
                        chat_id, document, filename=name, caption=caption
                    )
                )
        finally:
            os.unlink(path)

    async def _on_history(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/history: the owner's own past results, and what changed between the last two."""
        user, chat = work.update.effective_user, work.update.effective_chat
        assert user is not None and chat is not None
        work.note.update(event="history")
        rows = desk.history(self.front.store, user.id)
        await self.front._send(chat.id, desk.history_text(self.kb, rows, self._lang(work)), None)


def _caller(update: Update) -> int | None:
    """The caller of a case: the author of the message /case replies to, if a person
    other than the staff member (so the caller's /forget removes the case too)."""
    message, user = update.effective_message, update.effective_user
    replied = message.reply_to_message if message is not None else None
    author = replied.from_user if replied is not None else None
    if author is None or author.is_bot or (user is not None and author.id == user.id):
        return None
    return author.id


# SQLite connections belong to the thread that opened them: work done off the event loop
# opens its own (reads see every committed write; WAL lets them run beside the bot).


def _stats_in_thread(path: Path, since: str | None) -> desk.Stats:
    store = Store(path)
    try:
        return desk.stats(store, since)
    finally:
        store.close()


def _export_in_thread(path: Path, kb: Knowledge, since: str | None) -> tuple[str, int]:
    store = Store(path)
    handle, name = tempfile.mkstemp(prefix="clientwise-export-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = desk.write_csv(desk.export_rows(store, kb, since), out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    finally:
        store.close()
    return name, count


async def send_result_picture(
    front: TelegramFrontEnd, chat_id: int, state: DialogState, outcome: Outcome
) -> None:
    """The picture that follows a result card; drawn off the event loop. It is an extra: a
    failure is logged and the conversation goes on."""
    try:
        picture = await off_loop(
            result_jpeg, front.kb, state.lang, outcome.verdict, outcome.answers
        )
        await front._retry(lambda: front.bot.send_photo(chat_id, picture))
    except Exception:
        log.warning("result picture for chat=%s not sent", chat_id, exc_info=True)
