"""Configuration: every environment variable siteloop reads, in one place.

Values come from the environment or a `.env` file in the working directory. A missing or
malformed value stops the program with one line naming the variable (`ConfigError`); secrets are
`SecretStr`, so they never appear in logs, reprs or error messages.
"""

import sys
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_API_URL = "https://slack.com/api/"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and what it expects."""


class Settings(BaseSettings):
    """siteloop's settings, read from the environment (see the README's configuration table)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(DEFAULT_API_URL, validation_alias="SLACK_API_URL")
    # repr=False: a PostgreSQL URL may carry a password.
    database_url: str = Field("sqlite:///siteloop.db", validation_alias="DATABASE_URL", repr=False)
    rules_path: Path | None = Field(None, validation_alias="SITELOOP_RULES")
    tick_seconds: int = Field(60, ge=1, le=86_400, validation_alias="SITELOOP_TICK_SECONDS")
    # How often the Home tabs are checked for changes to show (`bot.services.home`).
    home_refresh_seconds: int = Field(
        2, ge=1, le=86_400, validation_alias="SITELOOP_HOME_REFRESH_SECONDS"
    )
    port: int = Field(3000, ge=0, le=65_535, validation_alias="PORT")  # 0: any free port
    log_format: Literal["text", "json"] | None = Field(None, validation_alias="SITELOOP_LOG_FORMAT")

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty `SLACK_APP_TOKEN=` in a .env file means "not set", not "set to nothing".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("expected a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("expected an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        example = (
            "expected an SQLAlchemy URL such as sqlite:///siteloop.db "
            "or postgresql+psycopg://user:password@host/db"
        )
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError(example) from None
        if backend not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"siteloop runs on SQLite or PostgreSQL, not {backend!r}: {example}")
        return value

    @field_validator("rules_path")
    @classmethod
    def _rules_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"expected a rules file, but {value} does not exist")
        return value

    @property
    def socket_mode(self) -> bool:
        """Return whether to connect over Socket Mode (an app-level token is set)."""
        return self.slack_app_token is not None

    def require_slack(self) -> None:
        """Raise `ConfigError` unless the settings needed to talk to Slack are present."""
        if self.slack_bot_token is None:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: expected the bot token (xoxb-…) from your Slack "
                "app's OAuth & Permissions page"
            )
        if not self.socket_mode and self.slack_signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs the signing secret from your "
                "Slack app's Basic Information page (or set SLACK_APP_TOKEN for Socket Mode)"
            )

    @property
    def database_display(self) -> str:
        """Return the database URL with any password hidden, for logs and messages."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    def resolved_log_format(self) -> Literal["text", "json"]:
        """Return the log format: as configured, else text on a terminal and JSON otherwise."""
        if self.log_format:
            return self.log_format
        return "text" if sys.stderr.isatty() else "json"


def load_settings(**overrides: object) -> Settings:
    """Return the settings from the environment; raise `ConfigError` with one clear line if bad."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates them
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    # Built from the error's location and message only: pydantic's own text would repeat the
    # offending input, which may be a secret.
    first = error.errors(include_input=False, include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else "configuration"
    alias = (
        Settings.model_fields[field].validation_alias if field in Settings.model_fields else None
    )
    name = alias if isinstance(alias, str) else field.upper()
    message = first["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    return f"{name} is malformed: {message}"
