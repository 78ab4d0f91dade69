"""What a tick at `now` must look at, found with indexed queries: nothing here scans updates,
so a tick's cost follows its candidates, not the project's history."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.rulebook import Rulebook
from rules.vocabulary import TaskStatus
from storage.models import Alert, Project, Task

_ALL_STATUSES = [status.value for status in TaskStatus]


def due_task_ids(session: Session, now: datetime) -> list[int]:
    """Return the ids of the tasks to evaluate at `now`, in id order.

    Tasks whose next check is due (one index range per status on (status, next_check_at)),
    and the tasks of open alerts whose next step is due (the next_step_at index).
    """
    checks = sa.select(Task.id).where(Task.status.in_(_ALL_STATUSES), Task.next_check_at <= now)
    steps = sa.select(Alert.task_id).where(
        Alert.next_step_at <= now, Alert.resolved_at.is_(None), Alert.task_id.is_not(None)
    )
    return sorted(set(session.scalars(checks)) | set(session.scalars(steps)))


def due_project_ids(session: Session, rulebook: Rulebook, now: datetime) -> list[int]:
    """Return the ids of the projects whose project-level rules need evaluating at `now`.

    A `silent_for` rule needs at least its duration of wall time since the project's last
    report (working time never exceeds wall time), so only projects silent for the shortest
    such duration are candidates — plus every project with an open project-level alert (its
    next step, or the report that resolves it).
    """
    shortest = _shortest_silence(rulebook)
    open_alerts = sa.select(Alert.project_id).where(
        Alert.task_id.is_(None), Alert.resolved_at.is_(None)
    )
    ids = set(session.scalars(open_alerts))
    if shortest is not None:
        heard = sa.func.coalesce(Project.last_report_at, Project.created_at)
        ids |= set(session.scalars(sa.select(Project.id).where(heard <= now - shortest)))
    return sorted(ids)


def _shortest_silence(rulebook: Rulebook) -> timedelta | None:
    rules = [*rulebook.rules, *(rule for p in rulebook.projects.values() for rule in p.rules)]
    silences = [rule.when.silent_for for rule in rules if rule.when.silent_for is not None]
    return min(silences, default=None)
