"""What a tick reads: its candidate tasks with their people and thread, their projects (once
per tick), and their open alerts, each in bulk and locked on PostgreSQL."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import Calendar
from rules.facts import TaskFacts
from rules.rule import Rule, Scope
from rules.rulebook import Rulebook, RulebookError
from rules.vocabulary import Role
from storage.facts import task_facts, task_facts_query
from storage.models import Alert, Channel, Member, Project, ProjectRole, Task
from storage.outbox import threads_on_their_way
from storage.tick.calendars import project_calendar

log = logging.getLogger("tick")


@dataclass
class TickProject:
    """What the tick needs about one project, read once per tick."""

    id: int
    key: str
    name: str
    currency: str
    calendar: Calendar
    task_rules: tuple[Rule, ...]
    project_rules: tuple[Rule, ...]
    channel: str | None
    managers: tuple[str, ...]
    leads: tuple[str, ...] = ()


@dataclass
class TickTask:
    """One candidate task as read in its batch: its facts, title and thread."""

    facts: TaskFacts
    project_id: int
    title: str
    thread: tuple[str, str] | None
    next_check_at: datetime | None
    thread_coming: bool = False


class Projects:
    """The projects a tick has read, by id: each read once, with its rules and calendar."""

    def __init__(self, rulebook: Rulebook) -> None:
        self._rulebook = rulebook
        self._read: dict[int, TickProject] = {}

    def __getitem__(self, project_id: int) -> TickProject:
        return self._read[project_id]

    def __contains__(self, project_id: object) -> bool:
        return project_id in self._read

    def load(self, session: Session, ids: set[int]) -> None:
        """Read the projects not read yet this tick: rows, first channels, managers, leads."""
        missing = sorted(ids - self._read.keys())
        if not missing:
            return
        channels: dict[int, str] = {}
        for project_id, channel in session.execute(
            sa.select(Channel.project_id, Channel.slack_channel_id)
            .where(Channel.project_id.in_(missing))
            .order_by(Channel.project_id, Channel.linked_at, Channel.id)
        ):
            channels.setdefault(project_id, channel)
        people: dict[tuple[int, Role], list[str]] = defaultdict(list)
        for project_id, role, user in session.execute(
            sa.select(ProjectRole.project_id, ProjectRole.role, Member.slack_user_id)
            .join(Member, Member.id == ProjectRole.member_id)
            .where(
                ProjectRole.project_id.in_(missing),
                ProjectRole.role.in_([Role.MANAGER, Role.LEAD]),
            )
            .order_by(ProjectRole.project_id, Member.id)
        ):
            people[project_id, role].append(user)
        rows = session.execute(
            sa.select(
                Project.id, Project.key, Project.name, Project.currency, Project.calendar
            ).where(Project.id.in_(missing))
        )
        for row in rows:
            _calendar, rules = self._rulebook.for_project(row.key)
            self._read[row.id] = TickProject(
                id=row.id,
                key=row.key,
                name=row.name,
                currency=row.currency,
                calendar=self._calendar(row.key, row.calendar),
                task_rules=tuple(rule for rule in rules if rule.scope is Scope.TASK),
                project_rules=tuple(rule for rule in rules if rule.scope is Scope.PROJECT),
                channel=channels.get(row.id),
                managers=tuple(people.get((row.id, Role.MANAGER), ())),
                leads=tuple(people.get((row.id, Role.LEAD), ())),
            )

    def _calendar(self, key: str, written: dict[str, Any] | None) -> Calendar:
        try:
            return project_calendar(self._rulebook, key, written)
        except RulebookError as error:
            base, _rules = self._rulebook.for_project(key)
            log.error("project %s has an invalid calendar, using the rules file's: %s", key, error)
            return base


def read_tasks(session: Session, task_ids: list[int], projects: Projects) -> list[TickTask]:
    """Read tasks `task_ids` with their assignee and crew lead in one query (locked on
    PostgreSQL, so writers wait for the batch's decisions), loading their projects."""
    query = task_facts_query().where(Task.id.in_(task_ids)).order_by(Task.id)
    if is_postgres(session):
        query = query.with_for_update(of=Task)
    rows = session.execute(query).all()
    projects.load(session, {row.project_id for row in rows})
    tasks = [_task(row, projects[row.project_id].key) for row in rows]
    coming = threads_on_their_way(session, [t.facts.id for t in tasks if t.thread is None])
    for task in tasks:
        task.thread_coming = task.facts.id in coming
    return tasks


def _task(row: Any, project_key: str) -> TickTask:
    thread = (row.thread_channel, row.thread_ts) if row.thread_ts else None
    facts = task_facts(row, project_key)
    return TickTask(facts, row.project_id, row.title, thread, row.next_check_at)


def open_alerts(session: Session, where: sa.ColumnElement[bool]) -> dict[int | None, list[Alert]]:
    """Return the open alerts matching `where` by task id (None: project-level), locked on
    PostgreSQL so an acknowledgement waits for the decision."""
    query = sa.select(Alert).where(where, Alert.resolved_at.is_(None))
    if is_postgres(session):
        query = query.with_for_update()
    found: dict[int | None, list[Alert]] = defaultdict(list)
    for alert in session.scalars(query):
        found[alert.task_id].append(alert)
    return found


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
