"""Reading a project's data out as plain rows, for spreadsheets and other systems."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from rules.vocabulary import UpdateKind
from storage.models import Alert, Crew, LogEntry, Member, Project, Task, Update

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
    "cost_code",
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
            "cost_code": task.cost_code,
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


DAILYLOG_COLUMNS = (
    "day",
    "section",
    "crew",
    "task",
    "workers",
    "hours",
    "cost_code",
    "delay_type",
    "start",
    "end",
    "duration_minutes",
    "location",
    "description",
    "conditions",
    "precipitation_mm",
    "temperature_c",
    "quantity",
    "unit",
    "who",
    "recorded_at",
)
_SECTIONS = ("weather", "manpower", "delay", "note", "quantity", "report")


def dailylog_rows(
    session: Session, project: Project, since: date | None, until: date | None
) -> Iterator[dict[str, Any]]:
    """Yield the project's daily log, a row per entry, day by day (site days, `since` and
    `until` included): what was logged with `/log`, and each report of the day (a `quantity`
    row when it installed something), in the columns of Procore's daily log."""
    zone = ZoneInfo(project.timezone)
    logged = (
        sa.select(LogEntry, Task.number, Task.location, Task.cost_code, Crew.name, Member)
        .outerjoin(Task, LogEntry.task_id == Task.id)
        .outerjoin(Crew, LogEntry.crew_id == Crew.id)
        .outerjoin(Member, LogEntry.member_id == Member.id)
        .where(LogEntry.project_id == project.id)
    )
    if since is not None:
        logged = logged.where(LogEntry.day >= since)
    if until is not None:
        logged = logged.where(LogEntry.day <= until)
    rows = [
        _log_row(project.key, entry, (number, location, cost_code), crew, member, zone)
        for entry, number, location, cost_code, crew, member in session.execute(logged)
    ]
    task_crew = aliased(Crew)
    reported = (
        sa.select(Update, Task.number, Task.location, Task.cost_code, task_crew.name, Member)
        .join(Task, Update.task_id == Task.id)
        .outerjoin(task_crew, Task.crew_id == task_crew.id)
        .outerjoin(Member, Update.member_id == Member.id)
        .where(
            Update.project_id == project.id,
            Update.retracted_at.is_(None),
            Update.kind != UpdateKind.ACK,
        )
    )
    if since is not None:
        start = datetime.combine(since, time(), zone)
        reported = reported.where(Update.occurred_at >= start)
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), zone)
        reported = reported.where(Update.occurred_at < end)
    for update, number, location, cost_code, crew, member in session.execute(reported):
        rows.append(
            {
                **dict.fromkeys(DAILYLOG_COLUMNS),
                "day": update.occurred_at.astimezone(zone).date(),
                "section": "quantity" if update.quantity is not None else "report",
                "crew": crew,
                "task": f"{project.key}-{number}",
                "workers": update.manpower,
                "hours": update.hours,
                "location": location,
                "cost_code": cost_code,
                "description": update.note or update.raw_text,
                "quantity": update.quantity,
                "unit": update.unit,
                "who": _name(member),
                "recorded_at": update.occurred_at,
            }
        )
    rows.sort(key=lambda r: (r["day"], _SECTIONS.index(r["section"]), r["recorded_at"]))
    yield from rows


def _log_row(
    key: str,
    entry: LogEntry,
    task: tuple[int | None, str | None, str | None],  # its number, location and cost code
    crew: str | None,
    member: Member | None,
    zone: ZoneInfo,
) -> dict[str, Any]:
    number, location, cost_code = task
    return {
        **dict.fromkeys(DAILYLOG_COLUMNS),
        "day": entry.day,
        "section": entry.kind.value,
        "crew": crew,
        "task": f"{key}-{number}" if number else None,
        "workers": entry.workers,
        "hours": entry.hours,
        "delay_type": entry.delay_type,
        "start": entry.starts_at.astimezone(zone).isoformat() if entry.starts_at else None,
        "end": entry.ends_at.astimezone(zone).isoformat() if entry.ends_at else None,
        "duration_minutes": entry.minutes,
        "location": location,
        "cost_code": cost_code,
        "description": entry.text,
        "conditions": entry.conditions,
        "precipitation_mm": entry.precipitation_mm,
        "temperature_c": entry.temperature_c,
        "who": _name(member),
        "recorded_at": entry.recorded_at,
    }
