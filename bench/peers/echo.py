"""Peer 1: the smallest useful bot — every text comes back as it is. No storage.

TELEGRAM_BOT_TOKEN=… TELEGRAM_API_BASE_URL=… python -m bench.peers.echo
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bench.peers import builder


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def main() -> None:
    app = builder().build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
