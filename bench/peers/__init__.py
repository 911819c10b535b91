"""Minimal python-telegram-bot bots the end-to-end benchmark compares Clientwise with.

Both are built the way PTB's examples build a bot (httpx, PTB's default Bot API
connection). With ``BENCH_PEER_REQUEST=aiohttp`` they use Clientwise's aiohttp
connection instead (bot/aiohttp_request.py), so a run can also compare the bots on the
same transport.
"""

from __future__ import annotations

import os
from typing import Any

from telegram.ext import ApplicationBuilder


def builder() -> Any:
    """An ApplicationBuilder with the token, the server and Clientwise's concurrency."""
    built = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(64)  # as Clientwise's ChatOrderedProcessor
    )
    if os.environ.get("BENCH_PEER_REQUEST") == "aiohttp":
        from bot.aiohttp_request import AiohttpRequest

        built = built.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    return built
