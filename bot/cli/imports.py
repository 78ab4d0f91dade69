"""`siteloop import tasks FILE.csv --project KEY`: bring a schedule in from a spreadsheet."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from bot.cli import common

import_cli = typer.Typer(help="Import data from spreadsheets.", no_args_is_help=True)


@import_cli.command("tasks")
def import_tasks(
    file: Annotated[Path, typer.Argument(help="A CSV export of the schedule.")],
    project: Annotated[str, typer.Option("--project", help="The project's key, e.g. TWR.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if others are not.")
    ] = False,
    day_first: Annotated[
        bool, typer.Option("--day-first", help="Read 04/12/2026 as 4 December.")
    ] = False,
    month_first: Annotated[
        bool, typer.Option("--month-first", help="Read 04/12/2026 as April 12.")
    ] = False,
) -> None:
    """Create or update a project's tasks from a CSV file; nothing is imported if a row is bad.

    The posted cards of the tasks it changes are edited (through the outbox: the running
    service delivers the edits).
    """
    from bot.clock import SystemClock
    from bot.runtime import Runtime
    from bot.services import card_hook
    from bot.services.schedule_import import ScheduleError, check_rows, import_rows, read_schedule
    from storage.db import make_engine, make_session_factory, session_scope

    if day_first and month_first:
        common.fail("--day-first and --month-first contradict each other: pick one", 2)
    settings = common.settings()
    try:
        schedule = read_schedule(
            file, day_first=True if day_first else (False if month_first else None)
        )
    except ScheduleError as error:
        common.fail(str(error), 2)
    err = Console(stderr=True)
    engine = make_engine(settings.database_url)
    runtime = Runtime(settings, engine, make_session_factory(engine), SystemClock())
    card_hook.install(runtime)  # cards follow their tasks here too
    with session_scope(runtime.sessions) as session:
        found = common.project(session, project)
        rows = check_rows(session, found, schedule.rows)
        bad = [row for row in rows if not row.ok]
        for row in bad:
            for problem in row.problems:
                err.print(f"line {row.line}: {problem}", markup=False, highlight=False)
        if bad and not skip_invalid:
            common.fail(
                f"{len(bad)} of {len(rows)} rows have problems: nothing imported "
                "(fix them, or pass --skip-invalid)",
                2,
            )
        with Progress(console=err, transient=True, disable=len(rows) < 500) as bar:
            step = bar.add_task("Importing", total=len(rows))
            result = import_rows(
                session, found, rows, runtime.clock.now(), lambda: bar.advance(step)
            )
    if schedule.ignored_headers:
        err.print(
            f"Columns not used: {', '.join(h or '(blank)' for h in schedule.ignored_headers)}",
            markup=False,
        )
    typer.echo(
        f"Imported {file.name} into {found.key}: {result.created} created, "
        f"{result.updated} updated, {result.skipped} skipped."
    )
