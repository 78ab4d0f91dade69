"""A database siteloop can't open stops every command with one line naming DATABASE_URL."""

import socket

import pytest

from tests.cli import environment, run_siteloop

# Every command that opens the database, with what it needs to get that far.
COMMANDS = {
    "serve": ("serve", "--port", "0"),
    "tick": ("tick",),
    "db upgrade": ("db", "upgrade"),
    "inbox": ("inbox",),
    "outbox": ("outbox",),
    "report": ("report", "--project", "TWR"),
    "export": ("export", "tasks", "--project", "TWR"),
    "rules check": ("rules", "check"),
}


def closed_port() -> int:
    """Return a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(tmp_path, database_url: str, *args: str):
    env = environment(
        tmp_path,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
    )
    return run_siteloop(*args, env=env, cwd=tmp_path, timeout=60)


def assert_one_line_naming_database_url(result, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("siteloop: DATABASE_URL"), line
    assert "Traceback" not in result.stderr and "sqlite:///siteloop.db" in line
    assert all(word in line for word in words), line


@pytest.mark.parametrize(
    ("database_url", "says"),
    [
        ("nonsense://", "not 'nonsense'"),
        ("not a url at all", "expected an SQLAlchemy URL"),
        ("sqlite:////no/such/folder/siteloop.db", "can't open sqlite:////no/such/folder"),
    ],
    ids=["an unknown database", "not a URL", "an unopenable SQLite path"],
)
def test_it_stops_with_one_line_naming_database_url(tmp_path, database_url, says):
    result = run(tmp_path, database_url, "db", "upgrade")

    assert_one_line_naming_database_url(result, says)


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_it_stops_every_command_on_an_unreachable_database(tmp_path, command):
    database_url = f"postgresql://siteloop:hunter2@127.0.0.1:{closed_port()}/siteloop"

    result = run(tmp_path, database_url, *command)

    assert_one_line_naming_database_url(result, "can't open", "Connection refused")
    assert "hunter2" not in result.stderr  # the password is never printed


def test_it_says_what_is_wrong_with_the_database(tmp_path):
    (tmp_path / "site.db").mkdir()  # a folder where the file should be

    result = run(tmp_path, f"sqlite:///{tmp_path / 'site.db'}", "inbox")

    assert_one_line_naming_database_url(result, "unable to open database file")
