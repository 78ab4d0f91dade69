"""Writing tasks: creation with per-project numbers that have no gaps and no duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.vocabulary import TaskStatus
from storage.lookup_cache import recall, remember
from storage.models import Project, Task

# Columns a caller may set through create_task's keyword arguments.
_SETTABLE = frozenset(Task.__table__.columns.keys()) - {
    "id",
    "project_id",
    "number",
    "title",
    "created_at",
    "updated_at",
}


class UnknownProject(LookupError):
    """The project does not exist."""


def allocate_task_number(session: Session, project_id: int) -> int:
    """Return the next task number of `project_id`, taken inside the session's transaction.

    One atomic `UPDATE … RETURNING` bumps the project's counter. Concurrent writers queue on the
    project row (PostgreSQL row lock; SQLite's write lock, taken by BEGIN IMMEDIATE), so no two
    transactions get the same number; and a transaction that rolls back rolls its increment back
    too, so no number is skipped.
    """
    projects = Project.__table__
    allocated = session.execute(
        sa.update(projects)
        .where(projects.c.id == project_id)
        .values(next_task_number=projects.c.next_task_number + 1)
        .returning(projects.c.next_task_number - 1)
    ).scalar_one_or_none()
    if allocated is None:
        raise UnknownProject(f"no project with id {project_id}")
    # A Project loaded in this session now holds a stale counter; reload it when next read.
    project = session.identity_map.get(session.identity_key(Project, project_id))
    if project is not None:
        session.expire(project, ["next_task_number"])
    return int(allocated)


def create_task(
    session: Session, project_id: int, title: str, *, now: datetime, **fields: Any
) -> Task:
    """Create a task in `project_id` with the project's next number, and flush it.

    Args:
        session: the caller's session; the caller commits (or rolls back, which also
            returns the number).
        project_id: the project the task belongs to.
        title: what the task is, as people call it.
        now: the current instant (aware); becomes created_at and updated_at.
        **fields: any other Task column (status, assignee_id, planned_finish, budget, …).

    Raises:
        UnknownProject: if `project_id` does not exist.
        TypeError: if a keyword is not a Task column a caller may set.
    """
    unknown = set(fields) - _SETTABLE
    if unknown:
        raise TypeError(f"create_task() got unexpected Task fields: {', '.join(sorted(unknown))}")
    number = allocate_task_number(session, project_id)
    task = Task(
        project_id=project_id,
        number=number,
        title=title,
        created_at=now,
        updated_at=now,
        # New work: the next rule tick looks at it (unless the caller says otherwise).
        **({"next_check_at": now} | fields),
    )
    session.add(task)
    session.flush()
    return task


def find_task(session: Session, key: str) -> Task | None:
    """Return the task with reference `key` ("TWR-42", any case), or None."""
    project_key, _, number = key.upper().partition("-")
    if not number.isdigit():
        return None
    return session.scalars(
        sa.select(Task).join(Project).where(Project.key == project_key, Task.number == int(number))
    ).first()


def task_of_thread(session: Session, channel: str, thread_ts: str) -> Task | None:
    """Return the task whose thread (its assignment card's) is `channel`/`thread_ts`, or None."""
    return session.scalars(
        sa.select(Task).where(Task.thread_channel == channel, Task.thread_ts == thread_ts)
    ).first()


def nearest_keys(session: Session, project: Project, number: int, limit: int = 3) -> list[str]:
    """Return up to `limit` keys of the project's tasks whose numbers are closest to `number`."""
    numbers = session.scalars(
        sa.select(Task.number)
        .where(Task.project_id == project.id)
        .order_by(sa.func.abs(Task.number - number), Task.number)
        .limit(limit)
    )
    return [f"{project.key}-{n}" for n in numbers]


def project_keys(session: Session) -> list[str]:
    """Return every project key in the workspace (remembered for a minute, like channel links)."""
    keys = recall(session, "project keys", None)
    if keys is None:
        keys = tuple(session.scalars(sa.select(Project.key).order_by(Project.key)))
        remember(session, "project keys", keys)
    return list(keys)


@dataclass(frozen=True)
class TaskFilter:
    """Which of a project's tasks to list; all conditions must hold."""

    assignee_id: int | None = None
    crew_id: int | None = None
    statuses: tuple[TaskStatus, ...] | None = None
    due_before: date | None = None  # planned finish strictly before this day
    include_closed: bool = False  # done and cancelled tasks too


def list_tasks(
    session: Session, project: Project, wanted: TaskFilter, limit: int
) -> tuple[list[Task], int]:
    """Return up to `limit` of the project's tasks matching `wanted`, most urgent first, and how
    many match in all.

    Urgency: blocked first, then by planned finish (earliest first, none last), then number.
    """
    query = sa.select(Task).where(Task.project_id == project.id)
    if not wanted.include_closed:
        query = query.where(Task.status.not_in([TaskStatus.DONE, TaskStatus.CANCELLED]))
    if wanted.assignee_id is not None:
        query = query.where(Task.assignee_id == wanted.assignee_id)
    if wanted.crew_id is not None:
        query = query.where(Task.crew_id == wanted.crew_id)
    if wanted.statuses is not None:
        query = query.where(Task.status.in_(wanted.statuses))
    if wanted.due_before is not None:
        query = query.where(Task.planned_finish < wanted.due_before)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    closed = sa.case((Task.status.in_([TaskStatus.DONE, TaskStatus.CANCELLED]), 1), else_=0)
    blocked = sa.case((Task.status == TaskStatus.BLOCKED, 0), else_=1)
    ordered = query.order_by(
        closed, blocked, Task.planned_finish.is_(None), Task.planned_finish, Task.number
    ).limit(limit)
    return list(session.scalars(ordered)), int(total or 0)
