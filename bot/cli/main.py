"""The `siteloop` command line (also `python -m bot`)."""

import signal
import sys
import threading
from contextlib import nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot import logs
from bot.cli import common
from bot.cli.digest import digest
from bot.cli.imports import import_cli
from bot.cli.inbox import inbox_cli
from bot.cli.outbox import outbox_cli
from bot.cli.report import report
from bot.config import ConfigError
from bot.process.identity import SlackUnavailable

cli = typer.Typer(
    help="siteloop: execution infrastructure for construction projects, in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database maintenance.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
rules_cli = typer.Typer(
    help="The rules: what counts as a problem, whom to tell.", no_args_is_help=True
)
cli.add_typer(rules_cli, name="rules")
cli.add_typer(import_cli, name="import")
cli.add_typer(outbox_cli, name="outbox")
cli.add_typer(inbox_cli, name="inbox")
cli.command("report")(report)
cli.command("digest")(digest)


@cli.command()
def serve(
    port: Annotated[
        int | None, typer.Option(help="HTTP port (default: $PORT or 3000; 0 picks a free one).")
    ] = None,
) -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events."""
    from bot.process.roles import FRONT
    from bot.process.service import Service
    from rules.rulebook import RulebookError

    settings = common.settings(**({"PORT": port} if port is not None else {}))
    # Listen for SIGTERM before starting, so a stop asked for during start-up is not lost.
    stop = _stop_on_signals()
    try:
        service = Service(settings, role=FRONT)
        service.start()
    except (ConfigError, RulebookError) as error:
        common.fail(str(error), 2)
    except SlackUnavailable as error:
        common.fail(str(error), error.exit_code)
    while not stop.wait(1):
        pass
    service.stop()


@cli.command()
def demo(
    seed: Annotated[int, typer.Option(help="Makes the crews' choices repeatable.")] = 7,
    speed: Annotated[
        float, typer.Option(help="Pace of the conversation: 0 is as fast as possible.")
    ] = 1.0,
    keep: Annotated[
        Path | None, typer.Option(help="Keep the day's SQLite database at this path.")
    ] = None,
) -> None:
    """Play a day on site against the local Slack emulator: no Slack account needed."""
    import logging

    from rich.console import Console

    from bot.demo.scenario import run_demo

    logs.configure("text", level=logging.ERROR)  # the transcript is the demo's output
    raise typer.Exit(run_demo(Console(), seed=seed, speed=speed, keep=keep))


class ExportKind(StrEnum):
    tasks = "tasks"
    updates = "updates"
    alerts = "alerts"
    dailylog = "dailylog"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@cli.command()
def export(
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
    project: Annotated[str, typer.Option("--project", help="The project's key, e.g. TWR.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv or json.")] = ExportFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", help="File to write (default: stdout).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="dailylog: from this site day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="dailylog: up to this site day (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Export a project's tasks, updates, alerts or daily log for spreadsheets and other
    systems."""
    from bot.cli.export_format import write_csv, write_json
    from storage import export as rows
    from storage.db import make_engine, make_session_factory

    first, last = _day_option("--since", since), _day_option("--until", until)
    if (first or last) and kind is not ExportKind.dailylog:
        common.fail("--since and --until are for the daily log: `export dailylog …`", 2)
    if first and last and last < first:
        common.fail(f"--until {until} is before --since {since}", 2)
    settings = common.settings()
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        found = common.project(session, project)
        producer, columns = {
            ExportKind.tasks: (rows.task_rows, rows.TASK_COLUMNS),
            ExportKind.updates: (rows.update_rows, rows.UPDATE_COLUMNS),
            ExportKind.alerts: (rows.alert_rows, rows.ALERT_COLUMNS),
            ExportKind.dailylog: (
                lambda s, p: rows.dailylog_rows(s, p, first, last),
                rows.DAILYLOG_COLUMNS,
            ),
        }[kind]
        with (
            output.open("w", newline="", encoding="utf-8") if output else nullcontext(sys.stdout)
        ) as out:
            if fmt == ExportFormat.csv:
                count = write_csv(producer(session, found), columns, out)
            else:
                count = write_json(producer(session, found), out)
    if output:
        what = "daily log rows" if kind is ExportKind.dailylog else kind.value
        typer.echo(f"Wrote {count} {what} of {found.key} to {output}.", err=True)


def _day_option(name: str, given: str | None) -> date | None:
    if given is None:
        return None
    try:
        return date.fromisoformat(given)
    except ValueError:
        common.fail(f"{name} {given}: write the day as YYYY-MM-DD, e.g. 2026-12-01", 2)


@cli.command()
def tick() -> None:
    """Run one rule evaluation pass and one outbox delivery pass, then exit."""
    from bot.clock import SystemClock
    from bot.notify import tick as ticks
    from bot.services.digest import queue_due_digests
    from storage import migrate
    from storage.db import make_engine, make_session_factory

    settings = common.settings()
    rulebook = common.rules(settings.rules_path)
    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)
        sessions, clock = make_session_factory(engine), SystemClock()
        now = clock.now()
        result = ticks.run_tick(sessions, rulebook, now)
        digests = queue_due_digests(sessions, rulebook, now)
        delivery = common.deliver_once(settings, engine, sessions, clock)
    finally:
        engine.dispose()
    said = f"; {digests} end-of-day digest{'s' if digests > 1 else ''} queued" if digests else ""
    typer.echo(f"{result.summary()}{said}; {delivery}")
    if result.failed:
        raise typer.Exit(1)


@rules_cli.command("check")
def rules_check(
    file: Annotated[
        Path | None,
        typer.Argument(help="The rules file (default: $SITELOOP_RULES, else the shipped rules)."),
    ] = None,
    text: Annotated[bool, typer.Option("--text", help="Also print each message in full.")] = False,
) -> None:
    """Validate a rules file; with a database, show what would fire now, sending nothing."""
    from rich.console import Console

    from bot.cli.rules_report import preview_report
    from bot.clock import SystemClock
    from bot.notify import tick as ticks
    from rules.rulebook import DEFAULT_RULES, RulebookError, load_rulebook
    from storage.db import make_session_factory

    settings = common.settings()
    path = file or settings.rules_path or DEFAULT_RULES
    try:
        rulebook = load_rulebook(path)
    except RulebookError as error:
        common.fail("the rules file is invalid:\n" + "\n".join(error.problems), 2)
    typer.echo(ticks.describe_rulebook(rulebook, path))
    engine = common.existing_database(settings.database_url)
    if engine is None:
        typer.echo(f"No siteloop database at {settings.database_display}: nothing to evaluate.")
        return
    now = SystemClock().now()
    try:
        result = ticks.preview_tick(make_session_factory(engine), rulebook, now)
    finally:
        engine.dispose()
    console = Console()
    for line in preview_report(result, now, text=text):
        if isinstance(line, str):
            console.print(line, soft_wrap=True, markup=False, highlight=False)
        else:
            console.print(line)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (safe to run again)."""
    from storage import migrate

    settings = common.settings()
    migrate.upgrade(settings.database_url)
    typer.echo(f"Database {settings.database_display} is up to date.")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def main() -> None:
    """Entry point of the `siteloop` console script.

    A database that can't be opened stops any command with one line naming DATABASE_URL
    (exit status 2), however deep in the command it was first needed.
    """
    from storage.db import DatabaseUnavailable

    try:
        cli(prog_name="siteloop")
    except DatabaseUnavailable as error:
        typer.echo(
            f"siteloop: DATABASE_URL: {error}. Check the URL and that the database is up, "
            "e.g. DATABASE_URL=sqlite:///siteloop.db or "
            "DATABASE_URL=postgresql://user:password@host:5432/siteloop",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
