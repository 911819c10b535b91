"""Runs the Telegram bot: long polling, or a webhook server when WEBHOOK_URL is set.

PTB's ``run_polling`` and our ``serve_webhook`` (bot/webhook.py, PTB's runner with a body
cap) handle SIGINT and SIGTERM: they stop fetching, finish the updates in hand, then shut
down — so a deploy loses no in-flight update. One bot per database file: a second one on
the same CLIENTWISE_DB stops at once with one line (exit 2), as does a file that is not a
usable database. A database deleted under the running bot stops it (exit 1).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from urllib.parse import urlparse

from telegram import Bot
from telegram.error import NetworkError

from bot.config import Settings
from bot.logs import configure_logging
from bot.storage import Store, StoreError, hold_bot_lock
from bot.telegram_bot import build_application
from bot.updates import ALLOWED_UPDATES
from dialogs.engine import Engine

log = logging.getLogger("clientwise")


async def _check_token(bot: Bot) -> None:
    """Ask the Bot API who we are before polling, so a wrong token is one clear error.

    PTB would find out too, but only inside its polling start-up's retry loop, which logs
    a traceback. ``bot`` is the application's own: once it is initialized here, PTB's
    ``initialize`` finds it so and does not ask again (one getMe per start, not two).
    Network trouble is not fatal here: PTB's own start-up tries again.
    """
    try:
        await bot.initialize()
    except NetworkError as exc:
        log.warning("could not reach the Bot API yet (%s); starting anyway", exc)
    except BaseException:  # a wrong token, or an answer that is no Bot API at all
        await bot.shutdown()  # the connections were opened; the process stops here
        raise


def _freeze_start_up_objects() -> None:
    """Exempt what start-up made from garbage collection: the modules, the knowledge with
    its indexes and the application — a couple of hundred thousand objects that live as
    long as the process. Each full collection would walk them all again (about 0.1 s,
    paid by whichever reply is being made then); frozen, it walks only what came later.
    No ``gc.collect()`` first: start-up leaves next to no cyclic garbage (a few dozen
    objects), and collecting would cost that 0.1 s before the first reply."""
    gc.freeze()


def run_telegram(settings: Settings, engine: Engine, *, webhook: bool) -> int:
    assert settings.telegram_bot_token is not None
    secrets = [settings.telegram_bot_token.get_secret_value()]
    if settings.webhook_secret:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, secrets)
    try:
        # Held until this process ends: a second bot on the file would answer every user
        # twice and fight over the write lock.
        lock = hold_bot_lock(settings.database)
        store = Store(settings.database)
    except StoreError as exc:
        print(f"clientwise: {exc}", file=sys.stderr)
        return 2
    try:
        app = build_application(settings, engine, store)
        if webhook:
            # ``serve_webhook`` runs ``initialize`` outside any retry loop: a wrong token
            # raises InvalidToken from there, without a traceback in the log.
            assert settings.webhook_url is not None and settings.webhook_secret is not None
            path = urlparse(settings.webhook_url).path.strip("/")
            log.info("webhook mode on port %s, path /%s", settings.port, path)
            # Here, not at the top: polling never needs tornado (~30 ms of imports).
            from bot.webhook import serve_webhook

            _freeze_start_up_objects()
            serve_webhook(
                app,
                listen="0.0.0.0",
                port=settings.port,
                path=path,
                webhook_url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(),
            )
        else:
            # run_polling runs on this thread's event loop: the token is checked on it,
            # where the bot's connections will live.
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(_check_token(app.bot))
            except BaseException:
                loop.close()
                raise
            log.info("long polling; database %s", settings.database)
            _freeze_start_up_objects()
            app.run_polling(allowed_updates=ALLOWED_UPDATES)  # closes the loop at the end
    finally:
        store.close()
        lock.close()
    if store.gone is not None:
        log.critical("%s", store.gone)
        return 1
    return 0
