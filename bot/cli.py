"""The `siteloop` command line (also `python -m bot`)."""

import signal
import sys
import threading
from typing import Annotated

import typer

from bot import logs
from bot.config import ConfigError, Settings, load_settings
from bot.slack_identity import SlackUnavailable

cli = typer.Typer(
    help="siteloop: execution infrastructure for construction projects, in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database maintenance.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")


def _fail(message: str, code: int) -> None:
    typer.echo(f"siteloop: {message}", err=True)
    raise typer.Exit(code)


def _settings(**overrides: object) -> Settings:
    try:
        settings = load_settings(**overrides)
    except ConfigError as error:
        _fail(str(error), 2)
    logs.configure(settings.resolved_log_format())
    return settings


@cli.command()
def serve(
    port: Annotated[
        int | None, typer.Option(help="HTTP port (default: $PORT or 3000; 0 picks a free one).")
    ] = None,
) -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events."""
    from bot.service import Service

    settings = _settings(**({"PORT": port} if port is not None else {}))
    try:
        service = Service(settings)
        service.start()
    except ConfigError as error:
        _fail(str(error), 2)
    except SlackUnavailable as error:
        _fail(str(error), error.exit_code)
    _wait_for_stop_signal()
    service.stop()


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (safe to run again)."""
    from storage import migrate

    settings = _settings()
    migrate.upgrade(settings.database_url)
    typer.echo(f"Database {settings.database_display} is up to date.")


def _wait_for_stop_signal() -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(1):
        pass


def main() -> None:
    """Entry point of the `siteloop` console script."""
    cli(prog_name="siteloop")


if __name__ == "__main__":
    sys.exit(main())
