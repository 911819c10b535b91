"""What the bot's start-up has ready before the first update (bot/telegram_bot.py
``build_application``, bot/run.py): every language's index, and the connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.aiohttp_request import AiohttpRequest
from bot.config import Settings
from bot.storage import Store
from bot.telegram_bot import SEND_POOL, build_application
from bot.updates import UpdatesRequest
from dialogs.engine import Engine
from tests.fake_telegram import TOKEN


def _app(tmp_path: Path) -> tuple[Any, Store]:
    settings = Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:9/bot",
        database=tmp_path / "bot.db",
    )
    store = Store(settings.database)
    return build_application(settings, Engine.default(), store), store


def test_every_language_is_ready_once_the_application_is_built(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    try:
        kb = app.bot_data["front"].kb
        # Built (or taken from the cache) before any user wrote a word.
        assert set(kb.indexes.languages) == set(kb.languages) == {
            "en", "id", "th", "tr", "ru", "ro"
        }  # fmt: skip
        assert all(kb.index(lang).lang == lang for lang in kb.languages)
        assert kb.indexes.vocabulary and kb.indexes.known_words
    finally:
        store.close()


def test_both_connections_are_aiohttp_with_ptbs_pool_sizes(tmp_path: Path) -> None:
    # bot/aiohttp_request.py for sending and for getUpdates; no httpx client is built
    # (each would load the CA bundle, about 50 ms apiece before the first reply).
    app, store = _app(tmp_path)
    try:
        send, updates = app.bot._request[1], app.bot._request[0]  # PTB: [0] is getUpdates
        assert isinstance(send, AiohttpRequest) and isinstance(updates, UpdatesRequest)
        assert send is not updates
        assert send._pool_size == SEND_POOL and updates._pool_size == 1
    finally:
        store.close()
