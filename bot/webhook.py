"""The webhook server: the secret header is checked and the size capped before any body
is read.

PTB's ``run_webhook`` serves through tornado with the default body limit (100 MB) and
reads a whole request before it looks at the secret, so anyone who finds the URL can make
the bot buffer large bodies. PTB documents running your own web server instead ("custom
webhook": put ``Update.de_json(...)`` on ``application.update_queue``); this is that, still
on tornado (already installed with ``python-telegram-bot[webhooks]``). The handler streams
the body (``stream_request_body``), so ``prepare`` sees only the headers: a declared size
over ``MAX_BODY_BYTES`` is answered 413 before a byte of the body is read, and a missing or
wrong secret means the body is drained without being kept, then answered 403; a body that
grows past the cap while streaming (chunked) is cut off with 413.

``serve_webhook`` mirrors PTB's own runner (initialize, post_init, set the webhook, start,
run the loop until SIGINT/SIGTERM or ``Application.stop_running``, then stop and shut down),
so in-flight updates are finished on a deploy exactly as before.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.updates import ALLOWED_UPDATES, readable_update

if TYPE_CHECKING:
    from bot.telegram_bot import App

log = logging.getLogger("clientwise.webhook")

# Telegram's updates are a few kilobytes; 1 MB leaves room for the largest message.
MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, telegram_app: App, secret: str) -> None:
        self.telegram_app = telegram_app
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0
        self.refused: HTTPStatus | None = None

    def prepare(self) -> None:
        # Only the headers have arrived here.
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            # A small body is drained and dropped rather than cut off, so the sender sees
            # the 403 instead of a connection reset; none of it is kept.
            self.refused = HTTPStatus.FORBIDDEN

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY_BYTES:  # chunked bodies declare no length up front
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if self.refused is None:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.refused is not None:
            raise tornado.web.HTTPError(self.refused)
        try:
            data = json.loads(b"".join(self.chunks))
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        # Answered 200 even when unreadable: Telegram would otherwise redeliver it for hours.
        readable = readable_update(data)
        if readable is not None:
            bot = self.telegram_app.bot
            await self.telegram_app.update_queue.put(Update.de_json(readable, bot))
        self.set_status(HTTPStatus.OK)

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Refusals are expected traffic, not errors; no traceback or headers in the log.
        if isinstance(value, tornado.web.HTTPError):
            log.debug("webhook request refused: %s", value.status_code)
        else:
            super().log_exception(typ, value, tb)


def _web_app(application: App, path: str, secret: str) -> tornado.web.Application:
    handlers = [(rf"/{path}/?", WebhookHandler, {"telegram_app": application, "secret": secret})]
    # log_function: no access log lines (they would carry paths and client addresses).
    return tornado.web.Application(handlers, log_function=lambda handler: None)


def serve_webhook(
    application: App,
    *,
    listen: str,
    port: int,
    path: str,
    webhook_url: str,
    secret: str,
) -> None:
    """Register the webhook and serve it until a stop signal or ``stop_running``."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, loop.stop)
    server = HTTPServer(_web_app(application, path, secret), max_body_size=MAX_BODY_BYTES)
    try:
        loop.run_until_complete(application.initialize())
        if application.post_init:
            loop.run_until_complete(application.post_init(application))
        server.listen(port, address=listen)
        loop.run_until_complete(
            application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        )
        loop.run_until_complete(application.start())
        loop.run_forever()  # until SIGINT/SIGTERM or Application.stop_running()
    finally:
        server.stop()
        loop.run_until_complete(server.close_all_connections())
        if application.running:
            loop.run_until_complete(application.stop())
        loop.run_until_complete(application.shutdown())
        loop.close()
        asyncio.set_event_loop(None)
