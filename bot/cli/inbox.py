"""`siteloop inbox`: the Slack events and commands siteloop took in, and reprocessing one given up.

    siteloop inbox [--failed] [--limit N]
    siteloop inbox retry ID [ID …]

Registered on the main command line in `bot/cli/main.py`; everything heavy is imported inside the
commands, so `siteloop --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import common

if TYPE_CHECKING:
    from storage.models import InboxEvent

inbox_cli = typer.Typer(
    help="List the Slack events and commands taken in (kept a day); `retry ID` reprocesses one "
    "given up.",
    invoke_without_command=True,
    no_args_is_help=False,
)

DEFAULT_LIMIT = 50


@inbox_cli.callback()
def inbox(
    ctx: typer.Context,
    failed: Annotated[
        bool, typer.Option("--failed", help="Only events given up on (to fix and retry).")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many, newest first.")
    ] = DEFAULT_LIMIT,
) -> None:
    """List events, newest first: id, what, channel, user, received, state, attempts, error."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console

    from storage import inbox as rows

    with _inbox_session() as session:
        events, total = rows.newest(session, limit, given_up_only=failed)
    console = Console()
    what = "events given up" if failed else "events"
    if not events:
        console.print(f"No {what} in the inbox.")
        return
    console.print(_table(events, f"Inbox: {what}, newest first"))
    if total > len(events):
        console.print(f"Showing the newest {len(events)} of {total}; use --limit to see more.")
    if any(event.given_up for event in events):
        console.print("Once the cause is fixed, reprocess with: siteloop inbox retry ID")


@inbox_cli.command("retry")
def retry(
    ids: Annotated[list[int], typer.Argument(help="Inbox ids of events given up on.", min=1)],
) -> None:
    """Process events given up on again (with all their attempts); fix their cause first."""
    from storage import inbox as rows
    from storage.models import InboxEvent

    with _inbox_session() as session:
        found = {i: session.get(InboxEvent, i) for i in dict.fromkeys(ids)}
        for event_pk, event in found.items():
            if event is None:
                common.fail(
                    f"there is no inbox event {event_pk}; `siteloop inbox --failed` lists the "
                    "events given up",
                    2,
                )
            elif not event.given_up:
                common.fail(f"inbox event {event_pk} {_not_given_up(event)}", 2)
        described = [f"{pk} ({_what(event)})" for pk, event in found.items() if event]
        for event_pk in found:
            rows.retry(session, event_pk)
        session.commit()
    for line in described:
        typer.echo(f"Inbox event {line} is queued again.")
    typer.echo("The running service processes it within 30 seconds.")


# Helpers


def _inbox_session():
    """Return a session on the configured database's inbox (SQLite keeps it in its own file)."""
    from storage.db import make_engine, make_session_factory
    from storage.inbox import open_inbox

    url = common.settings().database_url
    return make_session_factory(open_inbox(url, make_engine(url)))()


def _envelope(event: InboxEvent) -> dict:
    from storage.inbox import parse_body

    try:
        body = parse_body(event.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _what(event: InboxEvent) -> str:
    """Return what the event was and where: `event message from U0BOB in C0TOWER`."""
    from bot.logs import describe_request, request_ids

    body = _envelope(event)
    ids = request_ids(body)
    where = "".join(
        f" {word} {value}"
        for word, value in (("from", ids["user"]), ("in", ids["channel"]))
        if value
    )
    return describe_request(body) + where


def _state(event: InboxEvent) -> str:
    if event.given_up:
        return "given up"
    if event.done_at is not None:
        return "processed"
    return "retrying" if event.attempts else "waiting"


def _table(events: list[InboxEvent], title: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("id", "event", "slack event id", "received", "state", "attempts"):
        table.add_column(column, justify="right" if column in ("id", "attempts") else "left")
    table.add_column("last error", overflow="fold")
    for event in events:
        table.add_row(
            str(event.id),
            _what(event),
            event.event_id,
            common.shown_time(event.received_at),
            _state(event),
            str(event.attempts),
            event.last_error or "",
        )
    return table


def _not_given_up(event: InboxEvent) -> str:
    if event.done_at is not None:
        done = common.shown_time(event.done_at)
        return f"was processed ({done}): only events given up can be retried"
    return "is still to be processed: it will be without a retry"
