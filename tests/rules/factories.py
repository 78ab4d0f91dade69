"""Factories for the rules' tests, with explicit defaults: a Saigon site, a task in progress."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from rules.calendar import Calendar
from rules.facts import ProjectFacts, TaskFacts
from rules.rule import Rule
from rules.vocabulary import TaskStatus

# Tuesday 1 December 2026, 08:00 in Ho Chi Minh City.
SITE_MORNING = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def make_calendar(
    timezone: str = "Asia/Ho_Chi_Minh",
    workdays: str = "mon-sat",
    hours: str = "07:00-11:30,13:00-17:00",
    holidays: tuple[str, ...] = (),
) -> Calendar:
    return Calendar(timezone=timezone, workdays=workdays, hours=hours, holidays=holidays)


def make_task(
    status: TaskStatus = TaskStatus.IN_PROGRESS,
    percent: Decimal | int = Decimal(0),
    created_at: datetime = SITE_MORNING,
    last_update_at: datetime | None = None,
    assigned_at: datetime | None = None,
    acknowledged_at: datetime | None = None,
    blocked_since: datetime | None = None,
    planned_start: date | None = None,
    planned_finish: date | None = None,
    budget: Decimal | int | None = None,
    actual_cost: Decimal | int | None = None,
    key: str = "TWR-42",
) -> TaskFacts:
    return TaskFacts(
        id=42,
        key=key,
        project_key=key.split("-")[0],
        status=status,
        percent=Decimal(percent),
        created_at=created_at,
        last_update_at=last_update_at,
        assigned_at=assigned_at,
        acknowledged_at=acknowledged_at,
        blocked_since=blocked_since,
        planned_start=planned_start,
        planned_finish=planned_finish,
        budget=None if budget is None else Decimal(budget),
        actual_cost=None if actual_cost is None else Decimal(actual_cost),
        assignee_user_id="U0BOB",
        crew_lead_user_id="U0ANN",
    )


def make_project(
    created_at: datetime = SITE_MORNING, last_report_at: datetime | None = None
) -> ProjectFacts:
    return ProjectFacts(key="TWR", created_at=created_at, last_report_at=last_report_at)


def make_rule(rule_id: str = "stalled", clock: str = "working", **settings: Any) -> Rule:
    """Return a rule from its file shape; `when=` defaults to no update for 8 working hours."""
    settings.setdefault("when", {"no_update_for": "8h"})
    return Rule.model_validate({"id": rule_id, "clock": clock, **settings})
