"""Reading updates from Telegram so that one unreadable update cannot stop the bot.

python-telegram-bot turns the whole ``getUpdates`` answer into ``Update`` objects at once
(``Update.de_list``); if a single update lacks a field the library requires (a poll from a
newer Bot API, say), the whole batch fails, the offset never moves past it and the Updater
asks again at once — forever, for every user. ``UpdatesRequest`` is the request object
PTB uses for ``getUpdates`` (``ApplicationBuilder.get_updates_request``); it overrides the
documented ``parse_json_payload`` hook and replaces every update the library cannot read by
a bare ``{"update_id": …}``. The Updater then confirms its id like any other, so it is
never fetched again, and the bot's gate drops it as an update without a user. The webhook
server (bot/webhook.py) reads each posted update through ``readable_update`` too.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot.aiohttp_request import AiohttpRequest

log = logging.getLogger("clientwise.updates")

# Only what the handlers use (bot/telegram_bot.py): messages and commands, edited messages
# (answered with a hint) and button taps. Telegram then does not send the rest at all.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


def readable_update(data: Any) -> dict[str, Any] | None:
    """``data`` if PTB can read it; a bare update with its id if not; None without an id."""
    if not isinstance(data, dict):
        log.warning("skipped an update that is not a JSON object")
        return None
    try:
        # de_json copies what it reads, so ``data`` stays intact for the real parse.
        Update.de_json(dict(data), None)
    except Exception as exc:
        update_id = data.get("update_id")
        kinds = ", ".join(sorted(k for k in data if k != "update_id")) or "nothing"
        if not isinstance(update_id, int):
            log.warning("skipped an update without an id that cannot be read (%s)", kinds)
            return None
        # One line, no payload: the update may carry a user's private text.
        log.warning(
            "update=%s skipped: python-telegram-bot cannot read it (%s: %s)",
            update_id,
            kinds,
            type(exc).__name__,
        )
        return {"update_id": update_id}
    return data


class UpdatesRequest(AiohttpRequest):
    """The ``getUpdates`` connection: unreadable updates are confirmed and skipped."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        body = AiohttpRequest.parse_json_payload(payload)
        result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
        if isinstance(result, list):
            body["result"] = [u for u in map(readable_update, result) if u is not None]
        return body
