"""Reading a project's health (`rules.health`): its tasks with their people, its open alerts
and its last week's reports, in three queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import Calendar
from rules.facts import TaskFacts
from rules.health import REPORTING_WINDOW, OpenAlert, ProjectHealth, project_health
from rules.vocabulary import UpdateKind
from storage.facts import task_facts, task_facts_query
from storage.models import Alert, Crew, Member, Project, Task, Update


@dataclass(frozen=True)
class HealthRead:
    """A project's health, with its tasks' facts and their titles (the rules need none) by
    task id."""

    health: ProjectHealth
    titles: dict[int, str]
    tasks: tuple[TaskFacts, ...] = ()


def read_health(
    session: Session, project: Project, calendar: Calendar, now: datetime
) -> HealthRead:
    """Return `project`'s health at `now`, on its `calendar`."""
    rows = session.execute(
        task_facts_query().where(Task.project_id == project.id).order_by(Task.id)
    ).all()
    alerts = session.execute(
        sa.select(Alert.rule_id, Alert.opened_at).where(
            Alert.project_id == project.id, Alert.resolved_at.is_(None)
        )
    )
    reports = session.execute(
        sa.select(Member.slack_user_id, sa.func.count())
        .select_from(Update)
        .join(Member, Member.id == Update.member_id)
        .where(
            Update.project_id == project.id,
            Update.retracted_at.is_(None),
            Update.occurred_at > now - REPORTING_WINDOW,
            Update.occurred_at <= now,
        )
        .group_by(Member.slack_user_id)
    )
    tasks = tuple(task_facts(row, project.key) for row in rows)
    health = project_health(
        tasks,
        calendar,
        now,
        open_alerts=[OpenAlert(rule_id, opened_at) for rule_id, opened_at in alerts],
        reports={user: count for user, count in reports},
        last_report_at=project.last_report_at,
    )
    return HealthRead(health, {row.id: row.title for row in rows}, tasks)


def crews_of(session: Session, project: Project) -> dict[int, str]:
    """Return the crew name of each of `project`'s tasks that has a crew, by task id."""
    rows = session.execute(
        sa.select(Task.id, Crew.name)
        .join(Crew, Crew.id == Task.crew_id)
        .where(Task.project_id == project.id)
    )
    return {task_id: name for task_id, name in rows}


def cost_codes_of(session: Session, project: Project) -> dict[int, str]:
    """Return the cost code of each of `project`'s tasks that has one, by task id."""
    rows = session.execute(
        sa.select(Task.id, Task.cost_code).where(
            Task.project_id == project.id, Task.cost_code.is_not(None)
        )
    )
    return {task_id: code for task_id, code in rows if code}


@dataclass(frozen=True)
class Said:
    """What a task's latest report with words said, and when."""

    note: str
    at: datetime


def latest_notes(
    session: Session, task_ids: Iterable[int], kind: UpdateKind | None = None
) -> dict[int, Said]:
    """Return each task's latest report note (of `kind`, if given), by task id."""
    ids = list(task_ids)
    if not ids:
        return {}
    query = sa.select(Update.task_id, Update.note, Update.occurred_at).where(
        Update.task_id.in_(ids), Update.note.is_not(None), Update.retracted_at.is_(None)
    )
    if kind is not None:
        query = query.where(Update.kind == kind)
    notes: dict[int, Said] = {}
    for task_id, note, at in session.execute(query.order_by(Update.occurred_at, Update.id)):
        if task_id is not None and note and note.strip():
            notes[task_id] = Said(note, at)  # later rows win
    return notes
