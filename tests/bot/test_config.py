"""Configuration: one clear line naming the variable, and secrets never shown."""

import pytest

from bot.config import ConfigError, load_settings
from tests.cli import environment, run_siteloop

SECRET = "xoxb-1234567890-abcdefSECRET"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "SITELOOP_RULES",
        "SITELOOP_TICK_SECONDS",
        "PORT",
        "SITELOOP_LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_it_uses_the_documented_defaults():
    settings = load_settings()

    assert settings.database_url == "sqlite:///siteloop.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.tick_seconds == 60
    assert settings.port == 3000
    assert settings.rules_path is None
    assert not settings.socket_mode


def test_it_reads_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(
        "PORT=8080\nSITELOOP_TICK_SECONDS=15\nSLACK_APP_TOKEN=xapp-1-abc\n"
    )

    settings = load_settings()

    assert settings.port == 8080
    assert settings.tick_seconds == 15
    assert settings.socket_mode


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PORT", "eighty", "PORT is malformed: input should be a valid integer"),
        ("PORT", "70000", "PORT is malformed: input should be less than or equal to 65535"),
        (
            "SITELOOP_TICK_SECONDS",
            "0",
            "SITELOOP_TICK_SECONDS is malformed: input should be greater",
        ),
        (
            "SLACK_APP_TOKEN",
            "xoxb-wrong-kind",
            "SLACK_APP_TOKEN is malformed: expected an app-level",
        ),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL is malformed: expected an http(s) URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is malformed: expected an SQLAlchemy URL"),
        (
            "SITELOOP_RULES",
            "/nowhere/rules.yml",
            "SITELOOP_RULES is malformed: expected a rules file",
        ),
        (
            "SITELOOP_LOG_FORMAT",
            "xml",
            "SITELOOP_LOG_FORMAT is malformed: input should be 'text' or 'json'",
        ),
    ],
)
def test_it_names_the_malformed_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_it_never_repeats_a_malformed_secret(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token-SECRET")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert "SLACK_BOT_TOKEN" in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_it_hides_secrets_and_database_passwords_in_its_repr(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://site:hunter2@db/siteloop")

    settings = load_settings()

    assert SECRET not in repr(settings)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in settings.database_display


def test_it_asks_for_the_bot_token_before_talking_to_slack():
    settings = load_settings()

    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        settings.require_slack()


def test_it_asks_for_the_signing_secret_in_http_mode_only(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)

    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        load_settings().require_slack()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A1-abc")
    load_settings().require_slack()


def test_the_program_stops_with_status_2_and_one_line(tmp_path):
    result = run_siteloop(
        "db", "upgrade", env=environment(tmp_path, PORT="not-a-port"), cwd=tmp_path
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "siteloop: PORT is malformed: input should be a valid integer, "
        "unable to parse string as an integer"
    ]
