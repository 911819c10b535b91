"""Logging set-up: one format for the whole process, and the token never printed.

Two guards: httpx (which logs every request URL, token included) is raised to WARNING
as PTB's own examples do, and a record factory scrubs the token from every message and
traceback of every logger before any handler sees it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType

REDACTED = "<token>"
_installed_secrets: list[str] = []


def install_redaction(secrets: Iterable[str]) -> None:
    """Scrub ``secrets`` (and their URL-encoded forms) from every log record from now on."""
    for secret in secrets:
        if secret and secret not in _installed_secrets:
            _installed_secrets.append(secret)
            _installed_secrets.append(secret.replace(":", "%3A"))
    if isinstance(logging.getLogRecordFactory(), _RedactingFactory):
        return
    logging.setLogRecordFactory(_RedactingFactory(logging.getLogRecordFactory()))

    # Uncaught exceptions bypass logging; their text (PTB's InvalidToken quotes the
    # token) is scrubbed too.
    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        sys.stderr.write(redact(text))

    sys.excepthook = excepthook


class _RedactingFactory:
    """A log record factory that scrubs the secrets from the message and traceback of
    every record the ``base`` factory makes (a class, so it is recognised when installed
    twice)."""

    def __init__(self, base: Callable[..., logging.LogRecord]) -> None:
        self.base = base

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        message = record.getMessage()
        scrubbed = redact(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        return record


def redact(text: str) -> str:
    for secret in _installed_secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    install_redaction(secrets)
