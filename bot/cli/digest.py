"""`siteloop digest --project KEY [--date DAY] [--post] [--chart FILE.png]`: a day's digest."""

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import common

_HEADING = re.compile(r"(?m)^\*([^*\n]+)\*")


def digest(
    project: Annotated[str, typer.Option("--project", help="The project's key, e.g. TWR.")],
    day: Annotated[
        str | None,
        typer.Option("--date", help="The site's day, YYYY-MM-DD (default: today on site)."),
    ] = None,
    post: Annotated[
        bool,
        typer.Option(
            "--post", help="Post it to the project's channel now (once per project and day)."
        ),
    ] = False,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the S-curve to this PNG file.")
    ] = None,
) -> None:
    """Print a day's end-of-day digest as people read it in Slack."""
    from bot.clock import SystemClock
    from bot.services import digest as digests
    from rules.rulebook import DigestPlan
    from rules.slack_text import plain
    from storage.db import make_session_factory, session_scope
    from storage.tick import project_calendar

    settings = common.settings()
    rulebook = common.rules(settings.rules_path)
    engine = common.existing_database(settings.database_url)
    if engine is None:
        common.fail(f"no siteloop database at {settings.database_display}", 2)
    clock = SystemClock()
    now = clock.now()
    try:
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            found = common.project(session, project)
            calendar = project_calendar(rulebook, found.key, found.calendar)
            plan = rulebook.digest_for(found.key) or DigestPlan()  # printed even when off
            today = calendar.local_date(now)
            wanted = _day(day, today)
            if post:
                _check_postable(plan, calendar, wanted, now)
            # A past day is drawn up as it stood at its digest time.
            at = digests.digest_span(plan, calendar, wanted, now)[1]
            draft = digests.draw_up(session, found, calendar, plan, wanted, now)
            if chart is not None:
                _write(chart, digests.chart_png(session, found, calendar, at))
            posted = _post(session, plan, found, calendar, wanted, now) if post else None
        delivery = common.deliver_once(settings, engine, sessions, clock) if posted else ""
    finally:
        engine.dispose()
    typer.echo(plain(_HEADING.sub(r"\1", draft.text)))
    if chart is not None:
        typer.echo(f"\nS-curve written to {chart}")
    if post:
        typer.echo(f"\n{posted or 'Already posted for that day: nothing sent.'}")
        if delivery:
            typer.echo(delivery)


def _day(given: str | None, today: date) -> date:
    if given is None:
        return today
    try:
        wanted = date.fromisoformat(given)
    except ValueError:
        common.fail(f"--date {given}: write the day as YYYY-MM-DD, e.g. {today.isoformat()}", 2)
    if wanted > today:
        common.fail(f"--date {given} is still to come (today on site is {today.isoformat()})", 2)
    return wanted


def _write(path: Path, png: bytes) -> None:
    try:
        path.write_bytes(png)
    except OSError as error:
        common.fail(f"--chart {path}: cannot be written ({error.strerror or error})", 2)


def _check_postable(plan, calendar, day: date, now) -> None:
    """Refuse to post a day that has no digest, or whose digest time is still to come (its
    once-a-day post would be used up before the day's work is in)."""
    from bot.blocks.text import full_day

    due = plan.instant_on(day, calendar)
    if due is None:
        common.fail(f"{full_day(day)} is not a working day: it has no digest to post", 2)
    if now < due:
        at = due.astimezone(calendar.zone).strftime("%H:%M")
        common.fail(
            f"today's digest is due at {at} on site: post it then (without --post, this "
            "prints it as it stands now)",
            2,
        )


def _post(session, plan, project, calendar, day, now) -> str | None:
    """Queue the digest to the project's channel; return what was done, None if it was
    queued before."""
    from bot.services import digest as digests

    target = digests.digest_target(session, plan, project)
    if target is None:
        common.fail(f"{project.key} has no channel: link one with /siteloop setup", 2)
    if not digests.queue_digest(session, project, calendar, plan, day, now, target):
        return None
    return f"Queued for channel {target}, its S-curve to follow in its thread."
