"""Log redaction (bot/logs.py) on its own: the record factory and the uncaught-exception
hook scrub every installed secret, and installing again adds secrets, not layers."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from bot import logs
from bot.logs import REDACTED, install_redaction


@pytest.fixture(autouse=True)
def clean_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Start from logging's own factory and hook, and put them back afterwards.
    monkeypatch.setattr(logs, "_installed_secrets", [])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    original = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    yield
    logging.setLogRecordFactory(original)


def _record(message: str) -> logging.LogRecord:
    return logging.getLogger("test").makeRecord(
        "test", logging.INFO, __file__, 1, message, None, None
    )


def test_installing_twice_adds_the_secret_and_wraps_the_factory_once() -> None:
    install_redaction(["111:first"])
    factory = logging.getLogRecordFactory()
    install_redaction(["222:second"])
    assert logging.getLogRecordFactory() is factory
    assert _record("a 111:first b 222:second c 111%3Afirst").getMessage() == (
        f"a {REDACTED} b {REDACTED} c {REDACTED}"
    )


def test_an_uncaught_exception_is_printed_without_the_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    install_redaction(["333:third"])
    try:
        raise ValueError("bad token 333:third")
    except ValueError as error:
        sys.excepthook(ValueError, error, error.__traceback__)
    err = capsys.readouterr().err
    assert "333:third" not in err and f"bad token {REDACTED}" in err
