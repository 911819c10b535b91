"""Runs the Telegram bot: long polling, or a webhook server when WEBHOOK_URL is set.

PTB's ``run_polling`` / ``run_webhook`` handle SIGINT and SIGTERM: they stop fetching,
finish the updates in hand, then shut down — so a deploy loses no in-flight update.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot.config import Settings
from bot.logs import configure_logging
from bot.storage import Store
from bot.telegram_bot import build_application
from dialogs.engine import Engine

log = logging.getLogger("clientwise")


async def _check_token(settings: Settings) -> None:
    """Ask the Bot API who we are before starting, so a wrong token is one clear error.

    PTB would find out too, but only inside its retry loop, which logs a traceback.
    Network trouble is not fatal here: PTB's own start-up retries it.
    """
    assert settings.telegram_bot_token is not None
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_base_url
    )
    try:
        await bot.initialize()
    except InvalidToken:
        raise
    except NetworkError as exc:
        log.warning("could not reach the Bot API yet (%s); starting anyway", exc)
    finally:
        await bot.shutdown()


def run_telegram(settings: Settings, engine: Engine, *, webhook: bool) -> int:
    assert settings.telegram_bot_token is not None
    secrets = [settings.telegram_bot_token.get_secret_value()]
    if settings.webhook_secret:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, secrets)
    asyncio.run(_check_token(settings))
    store = Store(settings.database)
    app = build_application(settings, engine, store)
    try:
        if webhook:
            assert settings.webhook_url is not None
            path = urlparse(settings.webhook_url).path.lstrip("/")
            log.info("webhook mode on port %s, path /%s", settings.port, path)
            app.run_webhook(
                listen="0.0.0.0",
                port=settings.port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=(
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                ),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            log.info("long polling; database %s", settings.database)
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        store.close()
    return 0
