"""Runtime settings from environment variables (and an optional ``.env``).

pydantic-settings validates them; ``load_settings`` turns any problem into one line
naming the variable, so the CLI can exit with code 2 instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

TELEGRAM_API = "https://api.telegram.org/bot"


class ConfigError(Exception):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # SecretStr keeps the token out of reprs, tracebacks and logs.
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_API
    database: Path = Field(
        default=Path("clientwise.db"),
        validation_alias=AliasChoices("CLIENTWISE_DB", "DATABASE_PATH"),
    )
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    admin_ids: list[int] = Field(default_factory=list, validation_alias="CLIENTWISE_ADMIN_IDS")
    log_level: str = Field(default="INFO", validation_alias="CLIENTWISE_LOG_LEVEL")
    # Results older than this many days are deleted at start-up and daily; unset keeps them.
    retention_days: int | None = Field(
        default=None, ge=1, validation_alias="CLIENTWISE_RETENTION_DAYS"
    )
    # Telegram's documented ceiling is about 30 messages a second per bot; 0 lifts the
    # limiter (a local Bot API server in tests and benchmarks, or paid broadcasts).
    max_sends_per_second: float = Field(
        default=30, ge=0, validation_alias="CLIENTWISE_MAX_SENDS_PER_SECOND"
    )

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # TELEGRAM_BOT_TOKEN= in a .env template means "no token", not a broken one.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"\d{3,}:[\w-]{20,}", value.get_secret_value()):
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - only.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_is_a_url(cls, value: str | None) -> str | None:
        if value:
            parts = urlparse(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError("must be a full URL such as https://example.com/telegram")
        return value or None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()


def _variable(field: str) -> str:
    """The environment variable behind a settings field, as users know it."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return field.upper() or "settings"


def load_settings() -> Settings:
    try:
        return Settings()
    except SettingsError as exc:  # e.g. a list variable that is not JSON
        found = re.search(r'field "(\w+)"', str(exc))
        name = found.group(1) if found else ""
        raise ConfigError(f"{_variable(name)}: not valid JSON, e.g. [12345, 67890]") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]) if first["loc"] else ""
        variable = _variable(where) if where in Settings.model_fields else where.upper()
        raise ConfigError(f"{variable}: {first['msg']}") from None
