"""`siteloop report --project KEY [--since DATE] [--html FILE]`: how fast a project's loop
closes; with `--html`, the whole site report as one page to print or send."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import common


def report(
    project: Annotated[str, typer.Option("--project", help="The project's key, e.g. TWR.")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only alerts opened on or after this day (YYYY-MM-DD)."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the site report (health, S-curve, EV by crew, late and blocked, loop "
            "metrics) to this self-contained HTML file, printable on A4.",
        ),
    ] = None,
) -> None:
    """Print the loop's medians and p90s: signal → delivered → answered → resolved, by rule."""
    from rich.console import Console
    from rich.table import Table

    from bot.blocks.loop_report import RULE_COLUMNS, duration, ended_text, scope
    from bot.services.loop_report import project_report
    from storage.db import make_session_factory

    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        common.fail(f"--since {since}: write the day as YYYY-MM-DD, e.g. 2026-12-01", 2)
    settings = common.settings()
    engine = common.existing_database(settings.database_url)
    if engine is None:
        common.fail(f"no siteloop database at {settings.database_display}", 2)
    try:
        with make_session_factory(engine)() as session:
            found = common.project(session, project)
            key, name = found.key, found.name
            if html is not None:  # the page has the loop metrics in it
                page = _site_report_page(session, settings, found, start)
            else:
                loop = project_report(session, found, start)
    finally:
        engine.dispose()
    if html is not None:
        try:
            html.write_text(page, encoding="utf-8")
        except OSError as error:
            common.fail(f"--html {html}: cannot be written ({error.strerror or error})", 2)
        typer.echo(f"Site report of {key} written to {html} ({len(page.encode()) // 1024} KB).")
        return
    console = Console()
    console.print(f"Loop metrics for {key}: {scope(name, start, loop.alerts)}", markup=False)
    if not loop.alerts:
        return
    stages = Table(title="From a rule firing to the problem solved")
    for column in ("stage", "alerts", "median", "p90"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for stage, spread in loop.stages:
        stages.add_row(stage, str(spread.count), duration(spread.median), duration(spread.p90))
    rules = Table(title="Alerts by rule")
    for column in ("rule", *RULE_COLUMNS):
        rules.add_column(column, justify="left" if column == "rule" else "right")
    for counts in loop.rules:
        rules.add_row(counts.rule_id, *(str(getattr(counts, c)) for c in RULE_COLUMNS))
    console.print(stages)
    console.print(rules)
    console.print(f"How they ended: {ended_text(loop)}", markup=False)


def _site_report_page(session, settings, project, since: date | None) -> str:
    from bot.clock import SystemClock
    from bot.pages.site_report import render_site_report
    from bot.services.site_report import site_report
    from storage.tick import project_calendar

    rulebook = common.rules(settings.rules_path)
    calendar = project_calendar(rulebook, project.key, project.calendar)
    report = site_report(session, project, calendar, SystemClock().now(), since=since)
    return render_site_report(report)
