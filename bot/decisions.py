"""The decision layer's glue: the rules in force, the tick, and the words of its messages.

The scheduler calls, every SITELOOP_TICK_SECONDS:

    result = run_tick(runtime.sessions, rulebook, clock.now())   # rulebook = load_rules(path)

It evaluates what is due, commits alerts and their outbox rows together, and returns a
`TickResult` (`result.summary()` is one line for the log). It is safe to call from several
processes on one PostgreSQL (one evaluates, the others return `ran=False` at once) and to call
twice at the same instant (the second changes nothing). Delivery is separate: the outbox
dispatcher sends what the tick queued, at each row's `next_attempt_at` (quiet hours).

Until the action layer renders cards, every notification is a plain-text chat.postMessage
that says what is wrong in numbers and what to do, built here by `compose_messages`, a pure
function of the tick's `Notice`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock as TimeSource
from bot.config import Settings
from rules.alerts import NotificationKind
from rules.grammar_numbers import format_money, format_number
from rules.rule import Audience, Clock, Via
from rules.rulebook import Rulebook, load_default_rulebook, load_rulebook
from storage import tick as ticks
from storage.db import is_reachable, make_engine
from storage.tick import Notice, Outgoing, TickResult

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
    """Run one outbox delivery pass (`bot.delivery.deliver_pending`); return what it did."""
    if settings.slack_bot_token is None:
        return "delivery skipped (SLACK_BOT_TOKEN is not set)"
    from bot.delivery import deliver_pending
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
    if not result.queued:
        return [
            f"Nothing would be sent now ({result.tasks_evaluated} tasks and "
            f"{result.projects_evaluated} projects due for evaluation)."
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
    lines.append(
        f"{len(result.queued)} messages would be queued: {result.opened} alerts would open, "
        f"{result.escalated} escalate, {result.repeated} repeat, {result.resolved} resolve."
    )
    return lines


# --- where messages go ------------------------------------------------------------------------


def compose_messages(notice: Notice) -> list[Outgoing]:
    """Return the messages one notification sends: where each goes and its complete text.

    Who: `assignee`, `crew_lead`, `managers` or a user id name people; `channel` is the
    project's first linked channel.
    How: via `dm`, one direct message per person; via `thread`, the task's thread (else the
    project's channel) mentioning them; via `channel`, the project's channel mentioning them.
    With no channel to post in, people get a direct message instead. With nobody to tell (no
    assignee, no crew lead, no managers) there is no message; the tick logs it.
    """
    notification, routing = notice.notification, notice.routing
    people = _people(notification.target, notice)
    to_channel = notification.target == Audience.CHANNEL
    if not people and not to_channel:
        return []
    place: tuple[str, str | None] | None = None
    if notification.via is Via.THREAD and routing.thread is not None:
        place = routing.thread
    elif notification.via is not Via.DM and routing.channel is not None:
        place = (routing.channel, None)
    if place is None:
        return [
            Outgoing(person, message_text(notice, person=person), people=(person,))
            for person in people
        ]
    channel, thread_ts = place
    return [Outgoing(channel, message_text(notice, mentions=people), thread_ts, tuple(people))]


def _people(target: str, notice: Notice) -> list[str]:
    routing = notice.routing
    if target == Audience.ASSIGNEE:
        return [routing.assignee] if routing.assignee else []
    if target == Audience.CREW_LEAD:
        return [routing.crew_lead] if routing.crew_lead else []
    if target == Audience.MANAGERS:
        return list(dict.fromkeys(routing.managers))
    if target == Audience.CHANNEL:
        return []
    return [target]  # one person, by Slack user id


# --- what messages say ------------------------------------------------------------------------

_OPENERS = {
    NotificationKind.FOLLOW_UP: "",
    NotificationKind.ESCALATION: "Escalation: ",
    NotificationKind.REPEAT: "Still unresolved: ",
    NotificationKind.REMINDER: "Reminder (snooze over): ",
}


def message_text(notice: Notice, *, mentions: Sequence[str] = (), person: str | None = None) -> str:
    """Return the complete text of one message: who, what is wrong in numbers, what to do.

    `mentions` are people tagged in a channel or thread; `person` is the reader of a DM.
    """
    target = notice.notification.target
    reader_is_assignee = target == Audience.ASSIGNEE
    tags = " ".join(f"<@{user}>" for user in mentions)
    opener = _OPENERS[notice.notification.kind]
    if notice.task is None:
        sentence = f"{notice.project_key} {notice.project_name} {_project_problem(notice)}."
    else:
        who = ""
        if not reader_is_assignee:
            who = (
                f" (assigned to <@{notice.task.assignee_user_id}>)"
                if (notice.task.assignee_user_id)
                else " (nobody is assigned)"
            )
        sentence = f"{notice.task.key} {notice.task_title}{who} {_task_problem(notice)}."
    if opener:
        sentence = " ".join(part for part in (f"{opener}{sentence}", _raised(notice)) if part)
    direct = person is not None
    action = _action(notice, reader_is_assignee, direct)
    return " ".join(part for part in (tags, sentence, action) if part)


def _hours(notice: Notice, name: str) -> str | None:
    value = notice.facts.get(name)
    return None if value is None else _in_hours(notice, value)


def _in_hours(notice: Notice, value: float) -> str:
    """Return `value` hours as people read them: "11 working hours", "1 hour", "2.5 hours"."""
    working = notice.rule.clock is Clock.WORKING and not notice.calendar.is_always
    shown = _number(value, 1)
    unit = "hour" if shown == "1" else "hours"
    return f"{shown} working {unit}" if working else f"{shown} {unit}"


def _number(value: float, places: int) -> str:
    return format_number(round(Decimal(str(value)), places))


def _task_problem(notice: Notice) -> str:
    """Return what is wrong with the task, in numbers, from the rule's conditions."""
    task, facts, rule = notice.task, notice.facts, notice.rule
    assert task is not None
    phrases: list[str] = []
    for name in rule.conditions:
        if name == "no_update_for" and (hours := _hours(notice, "hours_since_update")):
            phrases.append(f"has had no update for {hours}")
        elif name == "unacknowledged_for" and (hours := _hours(notice, "hours_unacknowledged")):
            phrases.append(f"was assigned {hours} ago and nobody has acknowledged it")
        elif name == "blocked_for" and (hours := _hours(notice, "hours_blocked")):
            phrases.append(f"has been blocked for {hours}")
        elif name in ("overdue", "overdue_by") and rule.when.overdue is not False:
            if phrase := _late(notice):
                phrases.append(phrase)
        elif name == "due_within" and (hours := _hours(notice, "hours_until_due")):
            finish = (
                f" (planned finish {task.planned_finish:%a %d %b})" if (task.planned_finish) else ""
            )
            phrases.append(f"is due in {hours}{finish}")
        elif name == "below_percent" and "behind_plan_by" not in rule.conditions:
            phrases.append(f"is only {_number(facts.get('percent', 0), 1)}% done")
        elif name == "behind_plan_by" and "planned_percent" in facts:
            phrases.append(
                f"is {_number(facts['percent'], 1)}% done where the plan says "
                f"{_number(facts['planned_percent'], 1)}% by now "
                f"({_number(facts['behind_by'], 1)} points behind)"
            )
        elif name == "cost_overrun_pct" and "actual_cost" in facts:
            phrases.append(_overrun(notice))
    if not phrases:
        phrases.append(f"is {task.status.value.replace('_', ' ')}")
    return _and(phrases)


def _late(notice: Notice) -> str | None:
    task, facts = notice.task, notice.facts
    assert task is not None
    if task.planned_finish is None:
        return None
    days = int(facts.get("days_late", 0))
    finish = f"{task.planned_finish:%a %d %b}"
    if days >= 1:
        return f"is {days} day{'s' if days != 1 else ''} past its planned finish ({finish})"
    hours = _hours(notice, "hours_overdue")
    return f"is {hours} past its planned finish ({finish})" if hours else f"was due {finish}"


def _overrun(notice: Notice) -> str:
    facts = notice.facts

    def money(name: str) -> str:
        return format_money(round(Decimal(str(facts[name])), 2), notice.currency)

    spent = f"has cost {money('actual_cost')} against {money('earned_value')} of work done"
    if "overrun_pct" in facts:
        return f"{spent} ({_number(facts['overrun_pct'], 1)}% over)"
    return f"{spent} (no progress recorded yet, budget {money('budget')})"


def _project_problem(notice: Notice) -> str:
    hours = _hours(notice, "hours_silent")
    return f"has had no report at all for {hours}" if hours else "has gone quiet"


def _raised(notice: Notice) -> str:
    """Return how long ago the alert was first raised, on the rule's clock ("" if just now)."""
    if notice.rule.clock is Clock.WORKING:
        span = notice.calendar.working_time_between(notice.opened_at, notice.now)
    else:
        span = notice.now - notice.opened_at
    hours = span / timedelta(hours=1)
    if round(hours, 1) == 0:
        return ""
    return f"First raised {_in_hours(notice, hours)} ago."


def _action(notice: Notice, reader_is_assignee: bool, direct: bool) -> str:
    """Return what the reader can do about it, with the command to type."""
    key = notice.subject
    conditions = set(notice.rule.conditions)
    if notice.task is None:
        return (
            "Post today's progress in the project channel; if the site is closed, add the day "
            "to the calendar's holidays."
        )
    if notice.notification.target == Audience.CHANNEL:
        return f"Whoever is on it: post an update with `/update {key} …`."
    if not reader_is_assignee:
        if "blocked_for" in conditions:
            return "Please clear the blocker or re-plan the work."
        if conditions & {"overdue", "overdue_by", "due_within"}:
            return "Please agree a new date or add people."
        if "cost_overrun_pct" in conditions:
            return "Please check the costs and progress recorded, and tell the managers why."
        assignee = notice.task.assignee_user_id
        return f"Please follow up with <@{assignee}>." if assignee else "Please assign it."
    here = f"`/update {key} …`" if direct else "here"
    if "unacknowledged_for" in conditions:
        if direct:
            return (
                f"Acknowledge it with `/update {key} on it`, or tell your crew lead if it is "
                "not yours."
            )
        return "Reply `on it` here to acknowledge it, or tell your crew lead if it is not yours."
    if "blocked_for" in conditions:
        return (
            f"Reply {here} when work resumes (`unblocked`), or say what you are still waiting for."
        )
    if conditions & {"overdue", "overdue_by"}:
        return f"Finish it with `/done {key}`, or agree a new date with your crew lead."
    if "due_within" in conditions:
        return (
            f"Reply {here} with progress; if you need more people or a new date, tell your "
            "crew lead now."
        )
    if "cost_overrun_pct" in conditions:
        return f"Check the recorded costs and reply {here} with progress (e.g. `60%`)."
    reply = (
        f"Reply with `/update {key} 60% formwork done`"
        if direct
        else ("Reply here with progress (e.g. `60% formwork done`)")
    )
    return f"{reply} or `/blocked {key} reason`."


def _and(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
