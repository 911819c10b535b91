"""Telegram front end: python-telegram-bot handlers around the pure dialog engine.

For every update: drop it if it was already handled (``processed_updates``), load the
chat member's state (once), step the engine, commit the new state (and the result of a
turn that finished the questionnaire) in one transaction, then deliver the replies — the
question message is edited in place when a button was tapped. Buttons carry
``"<turn>:<option id>:<owner>"`` so stale, doubled and forged taps are recognised before
they reach the engine. Every callback is wrapped by ``handles``, which records the
update as answered and writes its log note the same way whichever path it took.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypeVar

from pydantic import ValidationError
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.aiohttp_request import AiohttpRequest
from bot.config import Settings
from bot.limiter import FifoRateLimiter
from bot.ordering import ChatOrderedProcessor, update_note
from bot.staff import STAFF_COMMANDS, StaffDesk, send_result_picture
from bot.storage import (
    DatabaseGone,
    ResultRow,
    Store,
    StoredConversation,
    StoreError,
    UpdateStatus,
)
from bot.updates import UpdatesRequest
from dialogs import render
from dialogs.conversation import MENU, TRANSPORT_COMMANDS, command_event
from dialogs.engine import Engine
from dialogs.events import Choose, Event, Help, Reply, Start, Typed
from dialogs.state import DialogState
from knowledge.i18n import supported_language
from knowledge.schema import DEFAULT_LANG

log = logging.getLogger("clientwise.telegram")

# Telegram user ids reach 2^52 (16 digits); 9 + 1 + 32 + 1 + 16 bytes stay within 64.
CALLBACK_DATA = re.compile(r"^(\d{1,9}):([a-z][a-z0-9_]{0,31}):(\d{1,16})$")
FORGET_DATA = re.compile(r"^forget:(yes|no):(\d{1,16})$")
DEEP_LINK = re.compile(r"[^A-Za-z0-9_-]")  # the characters Telegram allows in a payload
# Everyone's menu; the staff commands (/triage, /case, …) are bot/staff.py's.
COMMANDS = tuple(c for c in MENU if c not in STAFF_COMMANDS)
NETWORK_RETRIES = 3
PRUNE_EVERY = 500
PRUNE_PAUSE = 0.01  # seconds between the batches of the start-up prune
# Steps stored but never answered (crash between commit and send) are re-shown at start-up
# if they are this recent; older ones would only confuse.
RECOVERY_WINDOW = 3600
T = TypeVar("T")
# The application as ApplicationBuilder types it: the bot carries FifoRateLimiter's
# per-call argument (int, a retry count); context, user, chat and bot data are PTB's defaults.
App: TypeAlias = Application[
    ExtBot[int],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]


def callback_data(turn: int | None, option: str, owner: int) -> str:
    """``turn:option:owner`` — the owner lets group chats refuse other members' taps."""
    data = f"{turn or 0}:{option}:{owner}"
    # ids are short ASCII by schema; this guards the 64-byte limit if that ever changes.
    assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA, data
    return data


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long text into Telegram-sized pieces at line breaks where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


def joined(replies: list[Reply], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[Reply]:
    """Short notices ("Noted: …") that come just before a question travel in the
    question's message: one notification on the phone instead of two, and one send
    against the rate limit. Only notices: the next tap edits that message into the next
    question, and a notice may go with it, while an answer, an explanation or a result
    card is kept for reading in its own message. A pair over the size limit stays two."""
    out: list[Reply] = []
    notes: list[Reply] = []
    for reply in replies:
        if reply.kind == "notice" and not reply.options:
            notes.append(reply)
            continue
        text = "\n\n".join([*(n.text for n in notes), reply.text])
        if notes and reply.kind == "question" and reply.options and len(text) <= limit:
            reply = reply.model_copy(update={"text": text})
        else:
            out += notes
        out.append(reply)
        notes = []
    return out + notes


def _edit_refusal(exc: BadRequest) -> Literal["unchanged", "gone"] | None:
    """Why Telegram refused to edit a message: "unchanged" (same text and buttons),
    "gone" (deleted, or too old to edit), None for anything else.

    python-telegram-bot raises a plain ``BadRequest`` for all of these: only the
    server's description tells them apart, so the wording is matched here, in one place.
    """
    text = str(exc).lower()
    if "not modified" in text:
        return "unchanged"
    if "not found" in text or "can't be edited" in text:
        return "gone"
    return None


@dataclass
class Handling:
    """One update on its way through a handler: what was read, stored and noted for it.

    ``status`` mirrors the update's ``processed_updates`` row: "new" (none yet),
    "pending" (a step was stored; its replies may not have gone out) or "replied".
    """

    update: Update
    status: UpdateStatus = "new"
    note: dict[str, object] = field(default_factory=dict)  # fields of its log line
    passed_on: bool = False  # the gate let it through to the handlers
    loaded: bool = False
    stored: StoredConversation | None = None  # the saved conversation, once loaded


# PTB wants callbacks that return coroutines (it schedules them as tasks), not any awaitable.
Callback = Callable[
    ["TelegramFrontEnd", Handling, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]
]
PTBCallback = Callable[
    ["TelegramFrontEnd", Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]
]


def handles(callback: Callback) -> PTBCallback:
    """Make ``callback`` a PTB handler callback that finishes its update the same way on
    every path: its note joins the update's log line once, however it ends; when it ends
    without an error (``ApplicationHandlerStop`` included) the update is recorded as
    answered, once, so a redelivery is dropped.

    After an error (``_on_error`` apologises) nothing more is recorded: a step already
    stored stays pending, so a redelivery or the next start-up shows the current question
    again; an update that stored nothing is handled afresh if it is delivered again.
    """

    @functools.wraps(callback)
    async def handler(
        front: TelegramFrontEnd, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        work = Handling(update)
        try:
            await callback(front, work, context)
        except ApplicationHandlerStop:
            front._answered(work)
            raise
        else:
            if not work.passed_on:
                front._answered(work)
        finally:
            note = update_note.get()
            if note is not None:
                note.update(work.note)

    return handler


class TelegramFrontEnd:
    def __init__(self, engine: Engine, store: Store, bot: Bot) -> None:
        self.engine = engine
        self.bot = bot
        self.kb = engine.kb
        self.store = store
        self._handled = 0
        self.pruning: asyncio.Task[int] | None = None  # the start-up prune, while it runs
        self.menus: asyncio.Task[None] | None = None  # the start-up command menus

    # --- wiring ---------------------------------------------------------------------------

    def register(self, app: App) -> None:
        app.add_handler(TypeHandler(Update, self._gate), group=-1)
        StaffDesk.from_settings(self, app.bot_data.get("settings")).register(app)
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self._on_edited))
        app.add_handler(CommandHandler("forget", self._on_forget_command))
        engine_commands = [c for c in COMMANDS if c not in TRANSPORT_COMMANDS]
        app.add_handler(CommandHandler(engine_commands, self._on_command))
        app.add_handler(CallbackQueryHandler(self._on_forget_button, pattern=r"^forget:"))
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(filters.COMMAND, self._on_unknown_command))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self._on_text))
        app.add_handler(MessageHandler(filters.ALL, self._on_other))
        app.add_error_handler(self._on_error)

    async def set_commands(self, app: App) -> None:
        for lang in self.kb.languages:
            commands = [BotCommand(c, self.kb.text(f"cmd_{c}", lang)) for c in COMMANDS]
            code = None if lang == DEFAULT_LANG else lang
            await app.bot.set_my_commands(commands, language_code=code)
        await app.bot_data["desk"].set_commands(app)

    async def set_commands_in_background(self, app: App) -> None:
        """``set_commands`` at start-up, beside polling: a failure is logged, not fatal
        (the menus Telegram already has stay, and the next start sets them again)."""
        try:
            await self.set_commands(app)
        except Exception:
            log.warning("the command menus were not set", exc_info=True)

    # --- helpers --------------------------------------------------------------------------

    def lang_for(self, language_code: str | None) -> str:
        return supported_language(language_code, self.kb.languages) or DEFAULT_LANG

    async def _retry(self, call: Callable[[], Awaitable[T]]) -> T:
        """Retry timeouts and network errors with backoff (429 is the rate limiter's)."""
        for attempt in range(NETWORK_RETRIES):
            try:
                return await call()
            except (BadRequest, RetryAfter):
                raise
            except (TimedOut, NetworkError):
                if attempt == NETWORK_RETRIES - 1:
                    raise
                await asyncio.sleep(0.3 * 2**attempt)
        raise AssertionError("unreachable")

    def _keyboard(self, reply: Reply, lang: str, owner: int) -> InlineKeyboardMarkup | None:
        if not reply.options:
            return None
        mark = self.kb.text("selected_mark", lang)
        rows = [
            [
                InlineKeyboardButton(
                    f"{mark} {o.label}" if o.selected else o.label,
                    callback_data=callback_data(reply.turn, o.id, owner),
                )
            ]
            for o in reply.options
        ]
        return InlineKeyboardMarkup(rows)

    async def _send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> Message:
        pieces = split_text(text)
        message: Message | None = None
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            # partial binds this piece (and its markup) now, not when the call is retried.
            message = await self._retry(
                functools.partial(
                    self.bot.send_message, chat_id, piece, reply_markup=markup if last else None
                )
            )
        assert message is not None
        return message

    async def _edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        """Edit in place; False when the text is too long to fit one message."""
        if len(text) > MessageLimit.MAX_TEXT_LENGTH:
            return False
        try:
            await self._retry(
                lambda: self.bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
            )
        except BadRequest as exc:
            refusal = _edit_refusal(exc)
            if refusal is None:
                raise
            return refusal == "unchanged"
        return True

    async def _deliver(
        self,
        chat_id: int,
        replies: list[Reply],
        lang: str,
        edit_message_id: int | None,
        owner: int,
    ) -> int | None:
        """Send replies; returns the id of the message now showing the current options."""
        if edit_message_id is None:
            replies = joined(replies)
        last_with_options = max((i for i, r in enumerate(replies) if r.options), default=None)
        current: int | None = None
        for i, reply in enumerate(replies):
            markup = self._keyboard(reply, lang, owner)
            if (
                i == last_with_options
                and edit_message_id is not None
                and await self._edit(chat_id, edit_message_id, reply.text, markup)
            ):
                current = edit_message_id
                continue
            message = await self._send(chat_id, reply.text, markup)
            if reply.options:
                current = message.message_id
        return current

    # --- the pipeline -----------------------------------------------------------------------

    def _stored(self, chat_id: int, user_id: int) -> StoredConversation | None:
        """The saved conversation, or None — also when it was saved by an incompatible
        older version (that user starts afresh rather than meeting an error)."""
        try:
            return self.store.load(chat_id, user_id)
        except ValidationError:
            log.warning(
                "chat=%s user=%s: unreadable stored state, starting afresh", chat_id, user_id
            )
            return None

    def _saved(self, work: Handling) -> StoredConversation | None:
        """The sender's saved conversation in this chat, read at most once per update."""
        if not work.loaded:
            chat, user = work.update.effective_chat, work.update.effective_user
            work.stored = self._stored(chat.id, user.id) if chat and user else None
            work.loaded = True
        return work.stored

    def _conversation(self, work: Handling) -> StoredConversation:
        """The saved conversation, or a new one in the sender's app language."""
        stored = self._saved(work)
        if stored is None:
            user = work.update.effective_user
            lang = self.lang_for(user.language_code if user else None)
            stored = StoredConversation(state=DialogState(lang=lang))
        return stored

    async def _step(self, work: Handling, event: Event, edit_message_id: int | None = None) -> None:
        chat, user = work.update.effective_chat, work.update.effective_user
        assert chat is not None and user is not None
        stored = self._conversation(work)
        turn = self.engine.step(stored.state, event)
        state = turn.state
        result = None
        if turn.outcome is not None:  # this step finished the questionnaire
            result = ResultRow.from_outcome(chat.id, user.id, state.lang, turn.outcome)
        # Written before anything is sent: a crash after this point loses no answer.
        self.store.save_step(
            update_id=work.update.update_id,
            chat_id=chat.id,
            user_id=user.id,
            state=state,
            message_id=stored.message_id,
            result=result,
        )
        work.status = "pending"
        work.note.update(event=event.kind, phase=state.phase, step=state.step, turn=state.turn)
        current = await self._deliver(chat.id, turn.replies, state.lang, edit_message_id, user.id)
        if turn.outcome is None:
            # Nothing follows the replies (every handler ends with its step): delivered and
            # answered go in one transaction, and ``handles`` has nothing left to record.
            self.store.mark_sent(work.update.update_id, chat.id, user.id, state.turn, current)
            work.status = "replied"
            return
        self.store.mark_delivered(chat.id, user.id, state.turn, current)
        await send_result_picture(self, chat.id, state, turn.outcome)

    async def _show_current(
        self,
        chat_id: int,
        user_id: int,
        stored: StoredConversation,
        edit_message_id: int | None = None,
    ) -> None:
        """Show what the user should act on now, and remember that it arrived."""
        state = stored.state
        replies = self.engine.current(state)
        shown = await self._deliver(chat_id, replies, state.lang, edit_message_id, user_id)
        self.store.mark_delivered(chat_id, user_id, state.turn, shown)

    async def _resend_current(self, work: Handling) -> None:
        """Show the current question again (after a redelivered, half-handled update)."""
        chat, user = work.update.effective_chat, work.update.effective_user
        assert chat is not None and user is not None
        await self._show_current(chat.id, user.id, self._conversation(work))

    def _answered(self, work: Handling) -> None:
        """Record the update as answered, so that a redelivery of it is dropped."""
        update = work.update
        if work.status == "pending":
            self.store.mark_replied(update.update_id)
        elif work.status == "new":
            chat, user = update.effective_chat, update.effective_user
            self.store.record_update(
                update.update_id, chat.id if chat else None, user.id if user else None, True
            )
        # "replied": a duplicate, recorded when it was first handled.

    async def prune_backlog(self) -> int:
        """Delete the stale handled-update records a batch at a time, handing the event
        loop back between batches: after a long downtime there may be hundreds of
        thousands, and the first replies must not wait for all of them."""
        total = 0
        try:
            while (deleted := self.store.prune_updates_batch()) > 0:
                total += deleted
                # A real pause, not sleep(0): a reply takes many turns of the event loop,
                # and it must not wait for a batch at each of them.
                await asyncio.sleep(PRUNE_PAUSE)
        except (sqlite3.Error, StoreError):  # the next prune (every PRUNE_EVERY) tries again
            log.warning("pruning handled-update records failed", exc_info=True)
        return total

    async def recover(self) -> int:
        """After a crash: re-show the current question where a stored step went unanswered."""
        recovered = 0
        seen: set[tuple[int, int]] = set()
        for update_id, chat_id, user_id in self.store.unreplied(RECOVERY_WINDOW):
            try:
                if (chat_id, user_id) not in seen and self.store.is_active(user_id):
                    seen.add((chat_id, user_id))
                    stored = self._stored(chat_id, user_id)
                    if stored is not None:
                        await self._show_current(chat_id, user_id, stored)
                        recovered += 1
            except Forbidden:
                self.store.mark_inactive(user_id)
            except Exception:  # one unreachable chat must not keep the bot from starting
                log.warning("recovery for chat=%s failed", chat_id, exc_info=True)
            finally:
                self.store.mark_replied(update_id)
        return recovered

    # --- handlers -----------------------------------------------------------------------------

    @handles
    async def _gate(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group -1: drop what must not reach the dialog (duplicates, channels, bots)."""
        update = work.update
        self._handled += 1
        if self._handled % PRUNE_EVERY == 0:
            # At most PRUNE_EVERY records went stale since the last prune: one batch.
            self.store.prune_updates_batch()
        user = update.effective_user
        if update.channel_post or update.edited_channel_post or user is None or user.is_bot:
            work.note["event"] = "ignored"
            raise ApplicationHandlerStop
        work.status = self.store.update_status(update.update_id)
        if work.status == "replied":
            work.note["event"] = "duplicate"
            raise ApplicationHandlerStop
        if work.status == "pending":
            # Stored but maybe never answered (crash between commit and send).
            work.note["event"] = "redelivered"
            if update.callback_query:
                await update.callback_query.answer()
            await self._resend_current(work)
            raise ApplicationHandlerStop
        work.passed_on = True

    def _is_group(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    @handles
    async def _on_command(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command of the menu, read once into its engine event."""
        message, user = work.update.effective_message, work.update.effective_user
        assert message is not None and user is not None
        event = command_event(message.text or "", user.first_name) or Start(name=user.first_name)
        if isinstance(event, Start) and event.payload:
            # Deep links carry at most 64 of [A-Za-z0-9_-]; anything else is not ours.
            payload = DEEP_LINK.sub("", event.payload)[:64] or None
            event = Start(name=event.name, payload=payload)
            if payload:
                work.note["payload"] = payload
        await self._step(work, event)

    @handles
    async def _on_unknown_command(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/foo: the help text in private chats; in groups it may be another bot's."""
        work.note["event"] = "unknown_command"
        if self._is_group(work.update):
            return
        message = work.update.effective_message
        event = command_event(message.text or "") if message is not None else None
        await self._step(work, event if isinstance(event, Help) else Help())

    @handles
    async def _on_text(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Typed text: an answer to the question on screen, unless it cannot be one."""
        update = work.update
        message = update.effective_message
        assert message is not None
        if self._is_group(update):
            replied_to = message.reply_to_message
            if not (
                replied_to and replied_to.from_user and replied_to.from_user.id == context.bot.id
            ):
                work.note["event"] = "group_chatter"
                return
        stored = self._conversation(work)
        chat_id, lang = message.chat_id, stored.state.lang
        if stored.delivered_turn is not None and stored.delivered_turn != stored.state.turn:
            # The last question never reached the user (send failed or crash): this text
            # answers the one they saw, so show the current question instead of guessing.
            work.note["event"] = "text_for_undelivered_turn"
            await self._resend_current(work)
            return
        if stored.message_id is not None and message.message_id < stored.message_id:
            # Message ids grow in a chat: this was typed before the current question was
            # sent (typed twice, or typed on while the reply was on its way), so it cannot
            # answer it. Say so without showing yet another copy of the question.
            work.note["event"] = "typed_before_question"
            await self._send(chat_id, self.kb.text("typed_before_question", lang), None)
            return
        await self._step(work, Typed(text=message.text or ""))

    @handles
    async def _on_button(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tap: an answer when its button belongs to the current turn, on any copy."""
        update = work.update
        query = update.callback_query
        chat, user = update.effective_chat, update.effective_user
        assert query is not None and user is not None
        match = CALLBACK_DATA.match(query.data or "")
        if match is not None and int(match[3]) != user.id:
            # Another member's question (groups) or data copied from elsewhere.
            work.note["event"] = "other_users_button"
            await self._answer(query, self.kb.text("not_your_question", self._lang(None, update)))
            return
        # Buttons on inline-mode messages carry no chat or message: none of ours are there.
        stored = self._saved(work)
        if match is None or stored is None or chat is None or query.message is None:
            work.note["event"] = "forged_button"
            await self._answer(query, self.kb.text("stale_button", self._lang(stored, update)))
            return
        state = stored.state
        event = Choose(option=match[2], turn=int(match[1]))
        message_id = query.message.message_id
        if self.engine.other_turn(state, event):
            # Refused before the engine, the Telegram way: a toast, and no new message.
            await self._refuse_earlier_turn(work, query, stored, message_id)
            return
        # Several messages may show the current turn (a question re-sent after a notice):
        # a tap on any of them is the answer; it only decides which message is edited.
        await self._answer(query, None)
        # The result card stays in the chat; what follows it arrives as new messages.
        edit = None if state.phase == "done" else message_id
        await self._step(work, event, edit_message_id=edit)

    async def _refuse_earlier_turn(
        self, work: Handling, query: CallbackQuery, stored: StoredConversation, message_id: int
    ) -> None:
        """A button from another turn: say what is current, without adding a copy of it."""
        chat, user = work.update.effective_chat, work.update.effective_user
        assert chat is not None and user is not None
        state = stored.state
        notice = render.earlier_button_notice(self.kb, self.engine.flow, state)
        delivered = stored.delivered_turn == state.turn
        this_message = message_id == stored.message_id
        if delivered and this_message and state.phase in ("asking", "done"):
            # The second of two fast taps: the current turn, with its buttons, was
            # delivered to this very message (while asking and at the result every turn
            # comes with buttons), so the toast is all; an edit would change nothing and
            # still count against the send limit.
            work.note["event"] = "stale_button"
            await self._answer(query, notice)
        elif not delivered or this_message:
            # The current screen never arrived (a crash between saving and sending), or a
            # turn without buttons (/cancel's notice) left this message's id recorded:
            # this message shows the current screen now.
            work.note["event"] = "stale_button"
            await self._answer(query, notice)
            await self._show_current(chat.id, user.id, stored, edit_message_id=message_id)
        else:
            # An older message: its buttons go, so it cannot be mistaken for the current one.
            work.note["event"] = "old_button"
            await self._answer(query, notice)
            await self._drop_buttons(chat.id, message_id)

    async def _drop_buttons(self, chat_id: int, message_id: int) -> None:
        try:
            await self._retry(
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=None
                )
            )
        except BadRequest as exc:  # already without buttons, or too old to edit
            log.debug("buttons of an old message kept: %s", exc)

    def _lang(self, stored: StoredConversation | None, update: Update) -> str:
        if stored is not None:
            return stored.state.lang
        user = update.effective_user
        return self.lang_for(user.language_code if user else None)

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await self._retry(lambda: query.answer(text))
        except BadRequest as exc:  # query too old: the user sees nothing either way
            log.debug("callback answer refused: %s", exc)

    @handles
    async def _on_forget_command(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: ask first, with buttons only the asker can tap."""
        chat, user = work.update.effective_chat, work.update.effective_user
        assert chat is not None and user is not None
        lang = self._lang(self._saved(work), work.update)
        # The asker's id rides along: in a group only they can confirm.
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        self.kb.text(key, lang), callback_data=f"forget:{v}:{user.id}"
                    )
                ]
                for key, v in (("btn_forget_yes", "yes"), ("btn_forget_no", "no"))
            ]
        )
        work.note["event"] = "forget_asked"
        await self._send(chat.id, self.kb.text("forget_confirm", lang), markup)

    @handles
    async def _on_forget_button(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The /forget confirmation: delete everything stored about the asker, or keep it."""
        update = work.update
        query = update.callback_query
        chat, user = update.effective_chat, update.effective_user
        assert query is not None and user is not None
        lang = self._lang(self._saved(work), update)
        match = FORGET_DATA.match(query.data or "")
        if chat is None or match is None or int(match[2]) != user.id:  # only the asker
            work.note["event"] = "other_users_button"
            await self._answer(query, self.kb.text("not_your_question", lang))
            return
        await self._answer(query, None)
        if match[1] == "yes":
            self.store.forget(user.id)
            text = self.kb.text("forgotten", lang)
            work.note["event"] = "forgotten"
        else:
            text = self.kb.text("forget_kept", lang)
            work.note["event"] = "forget_declined"
        if query.message is None or not await self._edit(
            chat.id, query.message.message_id, text, None
        ):
            await self._send(chat.id, text, None)

    @handles
    async def _on_edited(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message changes no answer: a hint in private, silence in groups."""
        update = work.update
        work.note["event"] = "edited"
        if not self._is_group(update) and update.effective_chat is not None:
            lang = self._lang(None, update)
            await self._send(update.effective_chat.id, self.kb.text("edited_ignored", lang), None)

    @handles
    async def _on_other(self, work: Handling, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice, locations, polls …: a hint in private, silence in groups."""
        work.note["event"] = "unsupported"
        chat = work.update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            lang = self._lang(None, work.update)
            await self._send(chat.id, self.kb.text("unsupported_input", lang), None)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(update, Update) and isinstance(error, Forbidden):
            if update.effective_user is not None:
                self.store.mark_inactive(update.effective_user.id)
            log.warning("update=%s user blocked the bot; marked inactive", update_id)
            return
        if isinstance(error, BadRequest) and _edit_refusal(error) == "unchanged":
            return
        # A failed write (disk full, file gone, locked) means this step was not stored:
        # the apology must not promise that the answers are safe.
        saved = not isinstance(error, (sqlite3.Error, StoreError))
        if isinstance(error, DatabaseGone):
            # bot/run.py says so in one line once stopped; no traceback per update.
            log.error("update=%s not stored: the database file is gone", update_id)
            context.application.stop_running()
        else:
            log.error("update=%s failed", update_id, exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            lang = self._lang(None, update)
            try:
                await context.bot.send_message(
                    update.effective_chat.id,
                    self.kb.text("apology" if saved else "apology_not_saved", lang),
                )
            except Exception:  # the apology is best effort; the error is already logged
                log.debug("apology for update=%s not delivered", update_id)


def _rate_limiter(per_second: float) -> FifoRateLimiter:
    """Telegram's flood limits: ``per_second`` across chats, 20 a minute in a group; 0
    lifts both (a 429 from the server is still waited out and retried).

    Requests are granted first come, first served (bot/limiter.py): with PTB's
    ``AIORateLimiter`` a waiter could lose freed capacity to newcomers again and again, so
    near the cap a few replies waited seconds. At 0 the limiter stays, with no limit:
    without one, python-telegram-bot raises a 429 as ``RetryAfter`` into the handler
    (``ExtBot`` retries only through its rate limiter), so the user would get an apology
    instead of the reply. Its cost then is one coroutine call per request."""
    if per_second == 0:
        return FifoRateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    return FifoRateLimiter(overall_max_rate=per_second, max_retries=3)


# Connections for sending: what ApplicationBuilder uses when it builds the request itself.
SEND_POOL = 256


def build_application(settings: Settings, engine: Engine, store: Store) -> App:
    assert settings.telegram_bot_token is not None

    async def post_init(app: App) -> None:
        front: TelegramFrontEnd = app.bot_data["front"]
        # Beside the first updates, not before them (see prune_backlog).
        front.pruning = asyncio.create_task(front.prune_backlog())
        # The command menus (six setMyCommands calls, more with staff) go out beside the
        # first updates too: nothing a reply needs waits for them.
        front.menus = asyncio.create_task(front.set_commands_in_background(app))
        # Recovery stays before polling: it re-shows questions whose answers went
        # unanswered in a crash, and a newer update of the same chat must come after that.
        recovered = await front.recover()
        if recovered:
            log.info(
                "re-sent the current question to %d conversation(s) after a restart", recovered
            )

    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        # aiohttp instead of PTB's httpx (bot/aiohttp_request.py), with PTB's pool of 256.
        .request(AiohttpRequest(connection_pool_size=SEND_POOL))
        # Skips updates the library cannot read instead of failing every getUpdates call.
        .get_updates_request(UpdatesRequest(connection_pool_size=1))
        .concurrent_updates(ChatOrderedProcessor())
        .rate_limiter(_rate_limiter(settings.max_sends_per_second))
        .post_init(post_init)
        .build()
    )
    front = TelegramFrontEnd(engine, store, app.bot)
    app.bot_data["settings"] = settings
    front.register(app)
    app.bot_data["front"] = front
    return app
