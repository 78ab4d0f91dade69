"""Reading a project's health (`rules.health`): its tasks with their people, its open alerts
and its last week's reports, in three queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import Calendar
from rules.health import REPORTING_WINDOW, OpenAlert, ProjectHealth, project_health
from storage.facts import task_facts, task_facts_query
from storage.models import Alert, Member, Project, Task, Update


@dataclass(frozen=True)
class HealthRead:
    """A project's health, with the titles of its tasks (the rules need none) by task id."""

    health: ProjectHealth
    titles: dict[int, str]


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
    health = project_health(
        [task_facts(row, project.key) for row in rows],
        calendar,
        now,
        open_alerts=[OpenAlert(rule_id, opened_at) for rule_id, opened_at in alerts],
        reports={user: count for user, count in reports},
        last_report_at=project.last_report_at,
    )
    return HealthRead(health, {row.id: row.title for row in rows})
