"""Peer 2: a plain ``ConversationHandler`` questionnaire shaped like Clientwise's.

A welcome with two buttons; "Start" turns it into question 1, which asks for a typed
description; the text gets an acknowledgement with question 2 in a new message; questions
2-12 have three answers plus "Not sure" and "Back", each tap answered and the question
message edited into the next one; the last tap edits it into a result with three
buttons. Buttons carry the question number, so a late second tap is only acknowledged
(as Clientwise refuses taps from an earlier turn). No storage, no matching, no logging.

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_BASE_URL=… python -m bench.peers.conversation
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bench.peers import builder

QUESTIONS = 12
WELCOME, DESCRIBE, ANSWER = range(3)


def _keyboard(n: int, labels: list[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{n}:{i}")] for i, label in enumerate(labels)]
    )


def _question(n: int) -> tuple[str, InlineKeyboardMarkup]:
    bar = "▰" * n + "▱" * (QUESTIONS - n)
    labels = ["Often", "Sometimes", "Never", "Not sure", "⬅ Back"]
    return f"{n}/{QUESTIONS} {bar}  Question {n}?", _keyboard(n, labels)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Welcome", reply_markup=_keyboard(0, ["Start", "What's the difference?"])
    )
    return WELCOME


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(
        f"1/{QUESTIONS}  What does your business do?", reply_markup=_keyboard(1, ["Skip"])
    )
    return DESCRIBE


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    assert message is not None and context.user_data is not None
    context.user_data["business"] = message.text
    context.user_data["n"] = 2
    text, markup = _question(2)
    await message.reply_text(f"Noted: {message.text}.\n\n{text}", reply_markup=markup)
    return ANSWER


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    n = context.user_data.get("n", 2)
    asked, _, choice = (query.data or "").partition(":")
    await query.answer()
    if asked != str(n):  # a second tap on a question already answered
        return ANSWER
    context.user_data[f"q{n}"] = choice
    context.user_data["n"] = n + 1
    try:
        if n == QUESTIONS:
            await query.edit_message_text(
                "Your model: hybrid",
                reply_markup=_keyboard(99, ["Start over", "Why these?", "Share summary"]),
            )
            return ConversationHandler.END
        text, markup = _question(n + 1)
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:  # not modified: a doubled tap got there first
        pass
    return ANSWER


def main() -> None:
    app = builder().build()
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states={
                WELCOME: [CallbackQueryHandler(begin)],
                DESCRIBE: [MessageHandler(filters.TEXT & ~filters.COMMAND, describe)],
                ANSWER: [CallbackQueryHandler(answer)],
            },
            fallbacks=[CommandHandler("start", start)],
        )
    )
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
