"""Runtime settings from environment variables (and an optional ``.env``).

pydantic-settings validates them; ``load_settings`` turns any problem into one line
naming the variable, so the CLI can exit with code 2 instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"{variable}: {first['msg']}") from None
