"""`siteloop report --project KEY [--since DATE]`: how fast a project's loop closes."""

from datetime import date
from typing import Annotated

import typer

from bot.cli import common


def report(
    project: Annotated[str, typer.Option("--project", help="The project's key, e.g. TWR.")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only alerts opened on or after this day (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Print the loop's medians and p90s: signal → delivered → answered → resolved, by rule."""
    from rich.console import Console
    from rich.table import Table

    from bot.blocks.loop_report import RULE_COLUMNS, duration, ended_text, scope
    from bot.services.loop_report import project_report
    from storage.db import make_session_factory
    from storage.projects import find_project
    from storage.tasks import project_keys

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
            found = find_project(session, project)
            if found is None:
                known = ", ".join(project_keys(session)) or "none yet"
                common.fail(f"there is no project {project.upper()} (projects: {known})", 2)
            loop = project_report(session, found, start)
            key, name = found.key, found.name
    finally:
        engine.dispose()
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
