"""Recording what people report: updates stored once, revised, retracted, and folded into tasks.

Every write here goes with the task's cached state (status, percent, quantities, cost, last
update) in the same transaction, so the task row always equals the fold of its live updates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rules.task_state import Fact, TaskState, apply, base_state, replay
from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.alerts import answered_alert
from storage.models import Project, Task, Update, UpdateRevision


@dataclass(frozen=True)
class Report:
    """One fact to record about a task (or a project, with no task)."""

    kind: UpdateKind
    source: UpdateSource
    occurred_at: datetime
    idempotency_key: str
    member_id: int | None = None
    percent: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost: Decimal | None = None
    manpower: int | None = None
    hours: Decimal | None = None
    note: str | None = None
    raw_text: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None
    slack_thread_ts: str | None = None
    message_version: str | None = None  # a report read from a message's text: which version
    alert_id: int | None = None


def find_update(session: Session, idempotency_key: str) -> Update | None:
    """Return the update recorded under this key, or None."""
    return session.scalars(
        sa.select(Update).where(Update.idempotency_key == idempotency_key)
    ).first()


def record_update(
    session: Session, project: Project, task: Task | None, report: Report, now: datetime
) -> tuple[Update, bool]:
    """Store `report` once; return the update and whether it is new.

    A report whose idempotency key is already stored (a retried Slack delivery) changes nothing
    and returns the stored update. Otherwise the update is added, the task's state moves
    forward, and the project's last report time too. A person's report on a task answers the
    task's open alert that was last delivered (`storage.alerts.answered_alert`), unless the
    report names its alert itself: `alert_id` links them, so the time to respond is known.
    """
    existing = find_update(session, report.idempotency_key)
    if existing is not None:
        return existing, False
    if task is not None and _answers(report, task):
        report = replace(report, alert_id=answered_alert(session, task.id))
    update = Update(
        project_id=project.id,
        task_id=task.id if task else None,
        recorded_at=now,
        **_columns(report),
    )
    try:
        # A concurrent delivery of the same report may commit first; only this insert is undone.
        with session.begin_nested():
            session.add(update)
    except IntegrityError:
        stored = find_update(session, report.idempotency_key)
        if stored is None:
            raise
        return stored, False
    if task is not None:
        state = _state_of(task)
        fact = _fact(update)
        new = apply(state, fact) if _in_order(state, fact) else _replayed(session, task)
        _store_state(task, new, now)
    if project.last_report_at is None or report.occurred_at > project.last_report_at:
        project.last_report_at = report.occurred_at
    session.flush()
    return update, True


def revise_update(session: Session, update: Update, report: Report, now: datetime) -> Update:
    """Replace an update's text and values (an edited message), keeping the old revision."""
    session.add(
        UpdateRevision(
            update_id=update.id,
            revision=update.revision,
            raw_text=update.raw_text,
            values=_values_of(update),
            revised_at=now,
        )
    )
    for name, value in _columns(report).items():
        if name not in ("idempotency_key", "occurred_at", "member_id", "source", "alert_id"):
            setattr(update, name, value)
    update.revision += 1
    update.retracted_at = None  # an edit that names the task again brings its report back
    session.flush()
    if update.task_id is not None:
        task = session.get_one(Task, update.task_id)
        _store_state(task, _replayed(session, task), now)
    return update


def retract_report(session: Session, update: Update, version: str, now: datetime) -> bool:
    """Retract a report that its message's `version` no longer makes (an edit or a deletion);
    return False if it already was retracted."""
    update.message_version = version
    return retract_update(session, update, now)


def retract_update(session: Session, update: Update, now: datetime) -> bool:
    """Retract an update (a deleted message); return False if it already was retracted."""
    if update.retracted_at is not None:
        return False
    update.retracted_at = now
    session.flush()
    if update.task_id is not None:
        task = session.get_one(Task, update.task_id)
        _store_state(task, _replayed(session, task), now)
    return True


def live_updates(session: Session, task: Task, limit: int | None = None) -> list[Update]:
    """Return the task's updates that were not retracted, newest first."""
    query = (
        sa.select(Update)
        .where(Update.task_id == task.id, Update.retracted_at.is_(None))
        .order_by(Update.occurred_at.desc(), Update.id.desc())
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def _answers(report: Report, task: Task | None) -> bool:
    """Return whether a report may answer an alert: a person's, on a task, not linked yet."""
    return (
        task is not None
        and report.alert_id is None
        and report.member_id is not None
        and report.source not in (UpdateSource.IMPORT, UpdateSource.API)
    )


def _columns(report: Report) -> dict[str, Any]:
    return {name: getattr(report, name) for name in Report.__dataclass_fields__}


def _values_of(update: Update) -> dict[str, Any]:
    names = ("kind", "percent", "quantity", "unit", "cost", "manpower", "hours", "note")
    return {
        name: None if getattr(update, name) is None else str(getattr(update, name))
        for name in names
    }


def _fact(update: Update) -> Fact:
    return Fact(
        kind=update.kind,
        occurred_at=update.occurred_at,
        percent=update.percent,
        quantity=update.quantity,
        unit=update.unit,
        cost=update.cost,
    )


def _in_order(state: TaskState, fact: Fact) -> bool:
    return state.last_update_at is None or fact.occurred_at >= state.last_update_at


def _replayed(session: Session, task: Task) -> TaskState:
    base = base_state(
        assigned=task.assignee_id is not None,
        cancelled=task.status == TaskStatus.CANCELLED,
        unit=task.unit,
    )
    return replay(base, [_fact(update) for update in live_updates(session, task)])


def _state_of(task: Task) -> TaskState:
    return TaskState(
        status=task.status,
        percent=task.percent_complete,
        installed_qty=task.installed_qty,
        unit=task.unit,
        actual_cost=task.actual_cost,
        last_update_at=task.last_update_at,
        acknowledged_at=task.acknowledged_at,
        blocked_since=task.blocked_since,
        done_at=task.done_at,
    )


def _store_state(task: Task, state: TaskState, now: datetime) -> None:
    task.status = state.status
    task.percent_complete = state.percent
    task.installed_qty = state.installed_qty
    task.unit = state.unit
    task.actual_cost = state.actual_cost
    task.last_update_at = state.last_update_at
    task.acknowledged_at = state.acknowledged_at
    task.blocked_since = state.blocked_since
    task.done_at = state.done_at
    task.updated_at = now
    # The task's facts changed: the next rule tick must look at it again.
    task.next_check_at = now


def updates_of_message(session: Session, channel: str, ts: str) -> list[Update]:
    """Return every update captured on one Slack message (retracted ones too), oldest first."""
    return list(session.scalars(_of_message(channel, ts)))


def reports_of_message(session: Session, channel: str, ts: str) -> list[Update]:
    """Return the reports read from one Slack message's own text (retracted ones too), oldest
    first — not the reactions or button clicks on it, which its edits never revise."""
    reading = Update.source.in_((UpdateSource.MESSAGE, UpdateSource.THREAD_REPLY))
    return list(session.scalars(_of_message(channel, ts).where(reading)))


def _of_message(channel: str, ts: str) -> sa.Select[Update]:
    return (
        sa.select(Update)
        .where(Update.slack_channel == channel, Update.slack_ts == ts)
        .order_by(Update.id)
    )
