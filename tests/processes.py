"""Running the bot as a child process in tests: the project root and a clean environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus ``settings``: a token or
    database left in the developer's shell must not leak into a test."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK", "CLIENTWISE_"))
    }
    return {**env, **settings}
