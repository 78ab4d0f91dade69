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
    # Listen for SIGTERM before starting, so a stop asked for during start-up is not lost.
    stop = _stop_on_signals()
    try:
        service = Service(settings)
        service.start()
    except ConfigError as error:
        _fail(str(error), 2)
    except SlackUnavailable as error:
        _fail(str(error), error.exit_code)
    while not stop.wait(1):
        pass
    service.stop()


@cli.command()
def demo() -> None:
    """Run siteloop against the local Slack emulator: no Slack account needed."""
    import logging

    from rich.console import Console

    from bot.demo.scenario import run_demo

    logs.configure("text", level=logging.WARNING)
    raise typer.Exit(run_demo(Console()))


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (safe to run again)."""
    from storage import migrate

    settings = _settings()
    migrate.upgrade(settings.database_url)
    typer.echo(f"Database {settings.database_display} is up to date.")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def main() -> None:
    """Entry point of the `siteloop` console script."""
    cli(prog_name="siteloop")


if __name__ == "__main__":
    sys.exit(main())
