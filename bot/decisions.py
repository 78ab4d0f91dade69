"""The decision layer's glue: the rules in force, the tick, and the words of its messages.

The scheduler calls, every SITELOOP_TICK_SECONDS:

    result = run_tick(runtime.sessions, rulebook, clock.now())   # rulebook = load_rules(path)

It evaluates what is due, commits alerts and their outbox rows together, and returns a
`TickResult` (`result.summary()` is one line for the log). It is safe to call from several
processes on one PostgreSQL (one evaluates, the others return `ran=False` at once) and to call
twice at the same instant (the second changes nothing). Delivery is separate: the outbox
dispatcher sends what the tick queued, at each row's `next_attempt_at` (quiet hours).

Every notification is a chat.postMessage that says what is wrong in numbers and what to do,
built here by `compose_messages`, a pure function of the tick's `Notice`: a complete plain
text (the notification and fallback), laid out as Block Kit by `bot.blocks.alert_messages` —
a follow-up for the assignee or the channel, an escalation with Acknowledge · Snooze ·
Reassign… for leads and managers — and message metadata naming the alert and its people.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.alert_text import alert_message, message_text
from bot.blocks import alert_messages
from bot.blocks.alert_messages import alert_blocks
from bot.clock import Clock as TimeSource
from bot.config import Settings
from rules.notice import Notice, Outgoing
from rules.rule import Audience, Via
from rules.rulebook import Rulebook, load_default_rulebook, load_rulebook
from storage import tick as ticks
from storage.db import is_reachable, make_engine
from storage.tick import TickResult

__all__ = [
    "compose_messages",
    "deliver_once",
    "describe_rulebook",
    "existing_database",
    "load_rules",
    "preview_report",
    "preview_tick",
    "run_tick",
]


def load_rules(path: Path | None = None) -> Rulebook:
    """Return the rulebook at `path` (SITELOOP_RULES), else the shipped default rules.

    Raises `rules.rulebook.RulebookError` listing every problem of an invalid file.
    """
    return load_default_rulebook() if path is None else load_rulebook(path)


def run_tick(sessions: sessionmaker[Session], rulebook: Rulebook, now: datetime) -> TickResult:
    """Run one rule tick at `now`: evaluate what is due, commit alerts and messages; return
    what it did (`ran=False` if another process was evaluating)."""
    return ticks.tick(sessions, rulebook, now, compose=compose_messages)


def preview_tick(sessions: sessionmaker[Session], rulebook: Rulebook, now: datetime) -> TickResult:
    """Return what a tick at `now` would do, every message in `queued`, storing nothing."""
    return ticks.preview(sessions, rulebook, now, compose=compose_messages)


# --- for the command line (`siteloop tick`, `siteloop rules check`) ---------------------------


def deliver_once(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], clock: TimeSource
) -> str:
    """Run one outbox delivery pass (`pipeline.deliver_pending`); return what it did."""
    if settings.slack_bot_token is None:
        return "delivery skipped (SLACK_BOT_TOKEN is not set)"
    from bot.delivery.pipeline import deliver_pending
    from bot.runtime import Runtime

    runtime = Runtime(settings=settings, engine=engine, sessions=sessions, clock=clock)
    return f"{deliver_pending(runtime, clock.now())} messages delivered"


def describe_rulebook(rulebook: Rulebook, path: str | Path) -> str:
    """Return one line saying a rules file is valid and what it holds."""
    sections = ", ".join(sorted(rulebook.projects))
    where = f" (project sections: {sections})" if sections else ""
    return f"{path}: valid, {len(rulebook.rules)} rules{where}"


def existing_database(url: str) -> Engine | None:
    """Return an engine on `url` if it answers and holds siteloop's tables, else None.

    Never creates anything: a SQLite file that does not exist stays that way.
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            return None
    engine = make_engine(parsed)
    if is_reachable(engine) and sa.inspect(engine).has_table("tasks"):
        return engine
    engine.dispose()
    return None


def preview_report(result: TickResult, now: datetime, *, text: bool = False) -> list[Any]:
    """Return what `siteloop rules check` prints about a dry run: a table of the messages a
    tick would queue now (rule, task, step, who, how, when), their texts if asked, a total.

    Strings are plain text (no rich markup), to print unwrapped; the rest are rich renderables.
    """
    untold = [
        f"Would tell nobody: {item} (nobody has that role here; give one with `/siteloop role`)."
        for item in result.untold
    ]
    if not result.queued:
        return [
            f"Nothing would be sent now ({result.tasks_evaluated} tasks and "
            f"{result.projects_evaluated} projects due for evaluation).",
            *untold,
        ]
    table = Table(title="What would fire now (nothing was sent or stored)")
    for column in ("Rule", "Task", "Step", "Notify", "How", "When"):
        table.add_column(column)
    for item in result.queued:
        how = "dm" if item.via == Via.DM else f"{item.via} in {item.target}"
        when = "now"
        if item.at > now:
            when = item.at.astimezone(ZoneInfo(item.timezone)).strftime("%a %d %b %H:%M")
        who = ", ".join(item.people) or item.target
        table.add_row(
            item.rule_id,
            item.subject,
            f"{item.step} {item.kind}",
            f"{item.notify}: {who}",
            how,
            when,
        )
    lines: list[Any] = [table]
    if text:
        lines += [f"{item.subject} → {item.target}: {item.text}" for item in result.queued]
    lines += untold
    lines.append(
        f"{len(result.queued)} messages would be queued: {result.opened} alerts would open, "
        f"{result.escalated} escalate, {result.repeated} repeat, {result.resolved} resolve."
    )
    return lines


# --- where messages go ------------------------------------------------------------------------


def compose_messages(notice: Notice) -> list[Outgoing]:
    """Return the messages one notification sends: where each goes and its complete text.

    Who: `assignee`, `crew_lead`, `managers` or a user id name people; `channel` is the
    project's first linked channel. A task whose crew has no lead (or that has no crew) has
    the project's leads as its crew lead: someone who leads work there hears of it.
    How: via `dm`, one direct message per person; via `thread`, the task's thread (else the
    project's channel) mentioning them; via `channel`, the project's channel mentioning them.
    A message for a thread whose card is still on its way waits for it (`awaits_thread`): the
    card's delivery sends it into the thread (`bot.services.assignment.card_delivered`).
    With no channel to post in, people get a direct message instead. With nobody to tell (no
    assignee, no crew lead, no managers) there is no message; the tick logs it.
    """
    notification, routing = notice.notification, notice.routing
    people = _people(notification.target, notice)
    to_channel = notification.target == Audience.CHANNEL
    if not people and not to_channel:
        return []
    place: tuple[str, str | None] | None = None
    in_thread = notification.via is Via.THREAD
    if in_thread and routing.thread is not None:
        place = routing.thread
    elif notification.via is not Via.DM and routing.channel is not None:
        place = (routing.channel, None)
    if place is None:
        return [_outgoing(notice, person, None, (person,), person=person) for person in people]
    channel, thread_ts = place
    message = _outgoing(notice, channel, thread_ts, tuple(people), mentions=people)
    if in_thread and thread_ts is None and routing.thread_coming:
        return [dataclasses.replace(message, awaits_thread=True)]
    return [message]


def _outgoing(
    notice: Notice,
    target: str,
    thread_ts: str | None,
    people: tuple[str, ...],
    *,
    mentions: Sequence[str] = (),
    person: str | None = None,
) -> Outgoing:
    """Return one message: its text, its blocks and the metadata naming its alert."""
    laid_out = alert_message(notice, mentions=mentions, person=person)
    args = {
        "blocks": alert_blocks(laid_out),
        "metadata": alert_messages.metadata(notice.alert_id, notice.notification.target, people),
    }
    text = message_text(notice, mentions=mentions, person=person)
    return Outgoing(target, text, thread_ts, people, args)


def _people(target: str, notice: Notice) -> list[str]:
    routing = notice.routing
    if target == Audience.ASSIGNEE:
        return [routing.assignee] if routing.assignee else []
    if target == Audience.CREW_LEAD:
        return [routing.crew_lead] if routing.crew_lead else list(routing.leads)
    if target == Audience.MANAGERS:
        return list(dict.fromkeys(routing.managers))
    if target == Audience.CHANNEL:
        return []
    return [target]  # one person, by Slack user id
