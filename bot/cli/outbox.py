"""`siteloop outbox`: what the bot sent, is sending and gave up on; resending a failed message.

    siteloop outbox [--failed] [--project KEY] [--limit N]
    siteloop outbox retry ID [ID …]

Registered on the main command line in `bot/cli/main.py`; everything heavy is imported inside the
commands, so `siteloop --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import common

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import OutboxMessage

outbox_cli = typer.Typer(
    help="List the outbox (what the bot sends and could not deliver); `retry ID` resends.",
    invoke_without_command=True,
    no_args_is_help=False,
)

DEFAULT_LIMIT = 50


@outbox_cli.callback()
def outbox(
    ctx: typer.Context,
    failed: Annotated[
        bool, typer.Option("--failed", help="Only messages given up on (to fix and retry).")
    ] = False,
    project: Annotated[
        str | None, typer.Option("--project", help="Only this project's messages, e.g. TWR.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many, newest first.")
    ] = DEFAULT_LIMIT,
) -> None:
    """List outbox messages, newest first: id, kind, target, state, attempts, when, last error."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console

    from rules.vocabulary import OutboxState
    from storage import outbox as rows
    from storage.projects import channels_of

    with common.session() as session:
        where = None
        if project is not None:
            found = common.project(session, project)
            channels = [c.slack_channel_id for c in channels_of(session, found)]
            where = rows.of_project(found.id, channels)
        state = OutboxState.FAILED if failed else None
        messages, total = rows.newest(session, limit, state=state, where=where)
        names = _names(session, messages)
    console = Console()
    what = "failed messages" if failed else "messages"
    scope = f" of {project.upper()}" if project else ""
    if not messages:
        console.print(f"No {what}{scope} in the outbox.")
        return
    console.print(_table(messages, names, f"Outbox: {what}{scope}, newest first"))
    if total > len(messages):
        console.print(f"Showing the newest {len(messages)} of {total}; use --limit to see more.")
    if any(m.state == OutboxState.FAILED for m in messages):
        console.print("Once the cause is fixed, resend with: siteloop outbox retry ID")


@outbox_cli.command("retry")
def retry(
    ids: Annotated[list[int], typer.Argument(help="Outbox ids of failed messages.", min=1)],
) -> None:
    """Resend failed messages (they become pending, due now); fix their cause first."""
    from bot.clock import SystemClock
    from rules.vocabulary import OutboxState
    from storage import outbox as rows
    from storage.models import OutboxMessage

    now = SystemClock().now()
    with common.session() as session:
        found = {i: session.get(OutboxMessage, i) for i in dict.fromkeys(ids)}
        for message_id, message in found.items():
            if message is None:
                common.fail(f"there is no outbox message {message_id}", 2)
            elif message.state != OutboxState.FAILED:
                common.fail(f"outbox message {message_id} {_not_failed(message)}", 2)
        names = _names(session, [message for message in found.values() if message is not None])
        for message_id in found:
            rows.resend(session, message_id, now)
        described = [_described(m, names) for m in found.values()]  # type: ignore[arg-type]
        session.commit()
    for line in described:
        typer.echo(f"Outbox message {line} is queued again.")
    typer.echo("The running service sends it within seconds (or run `siteloop tick`).")


# Helpers


def _names(session: Session, messages: list[OutboxMessage]) -> dict[str, str]:
    """Return `#channel` / `@person` names for the messages' targets that siteloop knows."""
    import sqlalchemy as sa

    from storage.members import display_name
    from storage.models import Channel, Member

    targets = {m.target for m in messages}
    names = {
        channel_id: f"#{name}"
        for channel_id, name in session.execute(
            sa.select(Channel.slack_channel_id, Channel.name).where(
                Channel.slack_channel_id.in_(targets)
            )
        )
        if name
    }
    for member in session.scalars(sa.select(Member).where(Member.slack_user_id.in_(targets))):
        names[member.slack_user_id] = f"@{display_name(member)}"
    return names


def _target(message: OutboxMessage, names: dict[str, str]) -> str:
    shown = names.get(message.target, message.target)
    return f"{shown} (thread)" if message.thread_ts else shown


def _when(message: OutboxMessage) -> str:
    """Return the moment that matters for the message's state."""
    from rules.vocabulary import OutboxState

    if message.state == OutboxState.SENT and message.sent_at is not None:
        return f"sent {common.shown_time(message.sent_at)}"
    if message.state == OutboxState.FAILED:
        return f"gave up {common.shown_time(message.next_attempt_at)}"
    return f"due {common.shown_time(message.next_attempt_at)}"


def _table(messages: list[OutboxMessage], names: dict[str, str], title: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("id", "kind", "target", "state", "attempts"):
        table.add_column(column, justify="right" if column in ("id", "attempts") else "left")
    table.add_column("next attempt / sent at")
    table.add_column("last error", overflow="fold")
    for m in messages:
        table.add_row(
            str(m.id),
            m.kind,
            _target(m, names),
            m.state.value,
            str(m.attempts),
            _when(m),
            m.last_error or "",
        )
    return table


def _not_failed(message: OutboxMessage) -> str:
    from rules.vocabulary import OutboxState

    if message.state == OutboxState.SENT:
        return f"was delivered ({_when(message)}): only failed messages can be retried"
    return f"is still pending ({_when(message)}): it will be sent without a retry"


def _described(message: OutboxMessage, names: dict[str, str]) -> str:
    return f"{message.id} ({message.kind.replace('_', ' ')} to {_target(message, names)})"
