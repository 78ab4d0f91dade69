"""What the evaluator is told about tasks and projects: plain values read from their rows.

Storage builds these from the `tasks` and `projects` columns; the evaluator never sees a
database row, so it is tested with nothing but these dataclasses. Instants are aware (UTC in the
database); dates are the project's local dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from rules.vocabulary import TaskStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskFacts:
    """One task as the rules see it (the `tasks` row, plus its project key and crew lead)."""

    id: int
    key: str  # "TWR-42"
    project_key: str  # "TWR"
    status: TaskStatus
    created_at: datetime
    percent: Decimal = Decimal(0)  # percent complete, 0..100
    planned_start: date | None = None
    planned_finish: date | None = None
    budget: Decimal | None = None
    actual_cost: Decimal | None = None
    last_update_at: datetime | None = None  # the latest update captured for the task
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    blocked_since: datetime | None = None
    assignee_user_id: str | None = None  # Slack user id (U…), for whoever notifies
    crew_lead_user_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectFacts:
    """One project as project-level rules (`silent_for`) see it."""

    key: str  # "TWR"
    created_at: datetime
    last_report_at: datetime | None = None  # the latest update from any of its tasks
