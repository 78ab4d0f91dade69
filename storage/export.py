"""Reading a project's data out as plain rows, for spreadsheets and other systems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from storage.models import Alert, Crew, Member, Project, Task, Update

TASK_COLUMNS = (
    "key",
    "title",
    "status",
    "percent_complete",
    "assignee",
    "assignee_slack_id",
    "crew",
    "location",
    "planned_start",
    "planned_finish",
    "budget",
    "actual_cost",
    "planned_qty",
    "installed_qty",
    "unit",
    "last_update_at",
    "created_at",
    "external_id",
)
UPDATE_COLUMNS = (
    "id",
    "task",
    "occurred_at",
    "recorded_at",
    "who",
    "who_slack_id",
    "source",
    "kind",
    "percent",
    "quantity",
    "unit",
    "cost",
    "manpower",
    "hours",
    "note",
    "raw_text",
    "revision",
    "retracted_at",
    "slack_channel",
    "slack_ts",
)
ALERT_COLUMNS = (
    "id",
    "rule",
    "task",
    "severity",
    "opened_at",
    "level",
    "acknowledged_at",
    "acknowledged_by",
    "snoozed_until",
    "resolved_at",
    "resolved_by_update",
)


def _name(member: Member | None) -> str | None:
    if member is None:
        return None
    return member.display_name or member.real_name or member.name or member.slack_user_id


def task_rows(session: Session, project: Project) -> Iterator[dict[str, Any]]:
    """Yield the project's tasks, by number."""
    query = (
        sa.select(Task, Member, Crew)
        .outerjoin(Member, Task.assignee_id == Member.id)
        .outerjoin(Crew, Task.crew_id == Crew.id)
        .where(Task.project_id == project.id)
        .order_by(Task.number)
    )
    for task, assignee, crew in session.execute(query):
        yield {
            "key": f"{project.key}-{task.number}",
            "title": task.title,
            "status": task.status.value,
            "percent_complete": task.percent_complete,
            "assignee": _name(assignee),
            "assignee_slack_id": assignee.slack_user_id if assignee else None,
            "crew": crew.name if crew else None,
            "location": task.location,
            "planned_start": task.planned_start,
            "planned_finish": task.planned_finish,
            "budget": task.budget,
            "actual_cost": task.actual_cost,
            "planned_qty": task.planned_qty,
            "installed_qty": task.installed_qty,
            "unit": task.unit,
            "last_update_at": task.last_update_at,
            "created_at": task.created_at,
            "external_id": task.external_id,
        }


def update_rows(session: Session, project: Project) -> Iterator[dict[str, Any]]:
    """Yield every update recorded for the project (retracted ones too, marked), oldest first."""
    query = (
        sa.select(Update, Task.number, Member)
        .outerjoin(Task, Update.task_id == Task.id)
        .outerjoin(Member, Update.member_id == Member.id)
        .where(Update.project_id == project.id)
        .order_by(Update.occurred_at, Update.id)
    )
    for update, number, member in session.execute(query):
        yield {
            "id": update.id,
            "task": f"{project.key}-{number}" if number else None,
            "occurred_at": update.occurred_at,
            "recorded_at": update.recorded_at,
            "who": _name(member),
            "who_slack_id": member.slack_user_id if member else None,
            "source": update.source.value,
            "kind": update.kind.value,
            **{
                name: getattr(update, name)
                for name in ("percent", "quantity", "unit", "cost", "manpower", "hours", "note")
            },
            "raw_text": update.raw_text,
            "revision": update.revision,
            "retracted_at": update.retracted_at,
            "slack_channel": update.slack_channel,
            "slack_ts": update.slack_ts,
        }


def alert_rows(session: Session, project: Project) -> Iterator[dict[str, Any]]:
    """Yield the project's alerts, oldest first."""
    acknowledger = aliased(Member)
    query = (
        sa.select(Alert, Task.number, acknowledger)
        .outerjoin(Task, Alert.task_id == Task.id)
        .outerjoin(acknowledger, Alert.acknowledged_by_id == acknowledger.id)
        .where(Alert.project_id == project.id)
        .order_by(Alert.opened_at, Alert.id)
    )
    for alert, number, member in session.execute(query):
        yield {
            "id": alert.id,
            "rule": alert.rule_id,
            "task": f"{project.key}-{number}" if number else None,
            "severity": alert.severity.value,
            "opened_at": alert.opened_at,
            "level": alert.level,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": _name(member),
            "snoozed_until": alert.snoozed_until,
            "resolved_at": alert.resolved_at,
            "resolved_by_update": alert.resolved_by_update_id,
        }
