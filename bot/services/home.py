"""The Home tab: the person's own open tasks, most urgent first, and for a manager each of
their projects' health (`rules.health`); someone on no project sees how to start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy.orm import Session

from bot.blocks.health import HealthView, health_blocks, s_curve_blocks
from bot.blocks.help import help_blocks
from bot.blocks.text import SECTION_LIMIT, clip
from bot.notify.tick import project_calendar_in_force
from bot.services.task_list import task_line
from rules.vocabulary import Role, TaskStatus
from storage import projects
from storage.digest import latest_chart
from storage.health import read_health
from storage.members import find_member
from storage.models import Task

MAX_TASKS = 20  # of the person's own; the rest are counted (`/tasks mine` lists them)
MAX_PROJECTS = 6  # a project's health and chart take about a dozen blocks; a Home view holds 100
START = (
    "You are not on a project yet. In your project's channel, type "
    "`/siteloop setup TWR Tower A` to start one (you manage it), or ask its manager to add you."
)
_OPEN = [status for status in TaskStatus if status.is_open]


def home_blocks(session: Session, user: str, now: datetime, rules_path: Path | None) -> list[Block]:
    """Return the Home tab of Slack user `user` at `now`."""
    member = find_member(session, user)
    on = projects.projects_of(session, member) if member is not None else []
    tasks = _own_tasks(session, member.id) if member is not None else []
    if member is None or (not on and not tasks):
        return [SectionBlock(text=MarkdownTextObject(text=START)), DividerBlock(), *help_blocks()]
    zone = ZoneInfo(member.timezone or "UTC")
    blocks: list[Block] = [HeaderBlock(text="Your tasks"), *_task_blocks(tasks, now, zone)]
    managed = [p for p in on if projects.role_of(session, p, member) is Role.MANAGER]
    for project in managed[:MAX_PROJECTS]:
        calendar = project_calendar_in_force(rules_path, project)
        read = read_health(session, project, calendar, now)
        view = HealthView(project.key, project.name, project.currency, zone, read.titles)
        chart = latest_chart(session, project.id)
        blocks += [DividerBlock(), *health_blocks(view, read.health)]
        blocks += s_curve_blocks(view, chart)
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text="Type `/siteloop help` for every command.")])
    )
    return blocks


def _own_tasks(session: Session, member_id: int) -> list[Task]:
    """Return the member's open tasks, blocked first, then by planned finish (none last)."""
    query = sa.select(Task).where(Task.assignee_id == member_id, Task.status.in_(_OPEN))
    tasks = list(session.scalars(query))
    return sorted(
        tasks,
        key=lambda t: (
            t.status is not TaskStatus.BLOCKED,
            t.planned_finish is None,
            t.planned_finish,
            t.id,
        ),
    )


def _task_blocks(tasks: list[Task], now: datetime, zone: ZoneInfo) -> list[Block]:
    if not tasks:
        return [SectionBlock(text=MarkdownTextObject(text="Nothing is assigned to you now."))]
    today = now.astimezone(zone).date()
    lines = [task_line(task, task.project, today) for task in tasks[:MAX_TASKS]]
    if len(tasks) > MAX_TASKS:
        lines.append(f"…and {len(tasks) - MAX_TASKS} more — `/tasks mine` in a project's channel")
    return [SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), SECTION_LIMIT)))]
