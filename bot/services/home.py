"""The Home tab: what a person has to do and what their projects look like, kept current.

- *Your tasks*: their open tasks across their projects, blocked first, then by planned
  finish, each with the card's Update…, Blocked…, Done;
- *Waiting on you*: open alerts whose escalations reached them, with Acknowledge and Snooze;
- for a crew lead, each crew's open tasks, one line each; for a manager, each project's
  health (`rules.health`), its late and blocked tasks and its latest S-curve;
- someone on no project sees how to start.

The tab is published when the person opens it (`bot.slack.listeners.home`) and again, through
the outbox, when something it shows changes (`queue_home_refreshes`, run every few seconds):
the publication waits `SETTLE` so a burst of reports publishes once, and is drawn just before
it goes out (`home_step`), so it shows what is true then. Lists are cut to fit Slack's 100
blocks of a Home view, ending with how many more and where to find them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, MarkdownTextObject
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import alert_messages
from bot.blocks import home as layout
from bot.blocks.health import HealthView, health_blocks, s_curve_blocks
from bot.blocks.help import help_blocks
from bot.clock import Clock
from bot.notify.tick import project_calendar_in_force
from bot.services.task_list import task_line
from rules.vocabulary import OutboxKind, Role, TaskStatus
from storage import alerts, home, outbox, projects
from storage.db import session_scope
from storage.digest import latest_chart
from storage.health import read_health
from storage.members import find_member
from storage.models import Crew, Member, Task

log = logging.getLogger("home")

MAX_TASKS = 8  # of the person's own, two blocks each; `/tasks mine` lists them all
MAX_WAITING = 5  # alerts, two blocks each
MAX_CREWS = 3  # crews led, two blocks each
MAX_CREW_LINES = 15  # tasks a crew's block lists
MAX_PROJECTS = 6  # a project's health and chart take nine blocks; a Home view holds 100
SETTLE = timedelta(seconds=2)  # how long a change waits for the next before it is published
START = (
    "You are not on a project yet. In your project's channel, type "
    "`/siteloop setup TWR Tower A` to start one (you manage it), or ask its manager to add you."
)
UNDRAWN = (
    "siteloop could not draw your Home tab just now; it tries again with the next change. "
    "Type `/tasks mine` in a project's channel for your tasks."
)
_OPEN = [status for status in TaskStatus if status.is_open]


def home_blocks(session: Session, user: str, now: datetime, rules_path: Path | None) -> list[Block]:
    """Return the Home tab of Slack user `user` at `now`."""
    member = find_member(session, user)
    on = projects.projects_of(session, member) if member is not None else []
    tasks = _own_tasks(session, member.id) if member is not None else []
    if member is None or (not on and not tasks):
        return [
            layout.lines_block([START]),
            DividerBlock(),
            *help_blocks(),
        ]
    zone = ZoneInfo(member.timezone or (on[0].timezone if on else "UTC"))
    blocks: list[Block] = [layout.header("Your tasks"), *_task_blocks(tasks, now, zone)]
    blocks += _waiting_blocks(session, member, now, zone)
    blocks += _crew_blocks(session, member, now, zone)
    managed = [p for p in on if projects.role_of(session, p, member) is Role.MANAGER]
    for project in managed[:MAX_PROJECTS]:
        calendar = project_calendar_in_force(rules_path, project)
        read = read_health(session, project, calendar, now)
        view = HealthView(project.key, project.name, project.currency, zone, read.titles)
        blocks += [DividerBlock(), *health_blocks(view, read.health)]
        blocks += s_curve_blocks(view, latest_chart(session, project.id))
    if len(managed) > MAX_PROJECTS:
        blocks.append(layout.more(len(managed) - MAX_PROJECTS, "`/siteloop status KEY`"))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text="Type `/siteloop help` for every command.")])
    )
    return blocks


def home_view(blocks: list[Block]) -> dict[str, Any]:
    return View(type="home", blocks=blocks).to_dict()


def _own_tasks(session: Session, member_id: int) -> list[Task]:
    """Return the member's open tasks, blocked first, then by planned finish (none last)."""
    query = sa.select(Task).where(Task.assignee_id == member_id, Task.status.in_(_OPEN))
    return sorted(session.scalars(query), key=_urgency)


def _urgency(task: Task) -> tuple:
    return (
        task.status is not TaskStatus.BLOCKED,
        task.planned_finish is None,
        task.planned_finish,
        task.id,
    )


def _task_blocks(tasks: list[Task], now: datetime, zone: ZoneInfo) -> list[Block]:
    if not tasks:
        return [layout.lines_block(["Nothing is assigned to you now."])]
    today = now.astimezone(zone).date()
    blocks: list[Block] = []
    for task in tasks[:MAX_TASKS]:
        shown = layout.HomeTask(
            id=task.id,
            key=task.key,
            title=task.title,
            status=task.status,
            percent=float(task.percent_complete),
            due=task.planned_finish,
            project=task.project.name,
        )
        blocks += layout.task_rows(shown, today)
    if len(tasks) > MAX_TASKS:
        blocks.append(layout.more(len(tasks) - MAX_TASKS, "`/tasks mine` in a project's channel"))
    return blocks


def _waiting_blocks(session: Session, member: Member, now: datetime, zone: ZoneInfo) -> list[Block]:
    waiting = [
        (alert, message)
        for alert, message in alerts.waiting_on(session, member.slack_user_id)
        if alert_messages.is_escalation_payload(message.payload)  # a follow-up asks for a report
    ]
    if not waiting:
        return []
    blocks: list[Block] = [layout.header("Waiting on you")]
    for alert, message in waiting[:MAX_WAITING]:
        text = str(message.payload.get("args", {}).get("text") or alert.rule_id)
        asks = text.strip().splitlines()[0] if text.strip() else alert.rule_id
        since = message.sent_at or alert.opened_at
        snoozed = alert.snoozed_until if alert.snoozed_until and alert.snoozed_until > now else None
        blocks += layout.waiting_rows(layout.Waiting(alert.id, asks, since, snoozed), zone)
    if len(waiting) > MAX_WAITING:
        blocks.append(layout.more(len(waiting) - MAX_WAITING, "your DMs from siteloop"))
    return blocks


def _crew_blocks(session: Session, member: Member, now: datetime, zone: ZoneInfo) -> list[Block]:
    crews = list(
        session.scalars(sa.select(Crew).where(Crew.lead_id == member.id).order_by(Crew.id))
    )
    today = now.astimezone(zone).date()
    blocks: list[Block] = []
    for crew in crews[:MAX_CREWS]:
        query = sa.select(Task).where(Task.crew_id == crew.id, Task.status.in_(_OPEN))
        tasks = sorted(session.scalars(query), key=_urgency)
        blocks.append(layout.header(f"{crew.name} crew · {crew.project.key}"))  # clipped there
        lines = [task_line(t, crew.project, today) for t in tasks[:MAX_CREW_LINES]] or [
            "No open tasks for the crew."
        ]
        if len(tasks) > MAX_CREW_LINES:
            lines.append(
                f"…and {len(tasks) - MAX_CREW_LINES} more — `/tasks` in the project's channel"
            )
        blocks.append(layout.lines_block(lines))
    return blocks


def queue_home_refreshes(sessions: sessionmaker[Session], now: datetime) -> int:
    """Queue a publication of each Home tab that shows less than is true now; return how
    many were queued. Each goes out `SETTLE` from now, drawn as it goes (`home_step`).

    The look runs every few seconds, so it reads in a read-only session and writes only when
    there is something to queue (SQLite's write lock is the worker's, most of the time).
    """
    with session_scope(sessions, read_only=True) as session:
        stale = home.stale_homes(session, now)
    if not stale:
        return 0
    with session_scope(sessions) as session:
        for tab in stale:
            # One publication per change (or per redraw), whichever replica notices it first.
            change = tab.changed_at.isoformat() if tab.changed_at else f"at:{now.isoformat()}"
            outbox.enqueue(
                session,
                kind=OutboxKind.HOME_VIEW,
                target=tab.slack_user_id,
                payload={"method": outbox.PUBLISH_VIEW, "args": {}, "member_id": tab.member_id},
                now=now,
                due_at=now + SETTLE,
                dedupe_key=f"home:{tab.member_id}:{change}",
            )
    return len(stale)


def home_step(rules_path: Path | None, clock: Clock):
    """Return the before-send step that draws a Home tab as it is published."""

    def draw(sessions: sessionmaker[Session], client: WebClient, job: Any) -> Mapping[str, Any]:
        now = clock.now()
        with session_scope(sessions, read_only=True) as session:
            shown = home.latest_change(session, job.payload["member_id"], now)  # before drawing
            try:
                blocks = home_blocks(session, job.target, now, rules_path)
            except Exception:  # publish a tab that says so, rather than one Slack refuses
                log.exception("could not draw the Home tab of %s", job.target)
                blocks = [layout.lines_block([UNDRAWN])]
        args = {**job.payload["args"], "view": home_view(blocks)}
        return {**job.payload, "args": args, "shown": shown.isoformat(), "drawn": now.isoformat()}

    return draw


def home_shown(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step: the tab now shows the changes it was drawn with."""
    shown, drawn = job.payload.get("shown"), job.payload.get("drawn")
    if shown and drawn:
        home.note_drawn(
            session,
            job.payload["member_id"],
            datetime.fromisoformat(shown),
            datetime.fromisoformat(drawn),
        )
