"""Tasks as the rules see them (`rules.facts.TaskFacts`), read in bulk with their people: one
query shape for the tick and for a project's health."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from rules.facts import TaskFacts
from storage.models import Crew, Member, Task


def task_facts_query() -> sa.Select[*tuple[Any, ...]]:
    """Return the select of tasks with what `task_facts` needs: their columns, the assignee's
    and the crew lead's Slack ids (filter and order it as needed)."""
    assignee, lead = aliased(Member), aliased(Member)
    return (
        sa.select(
            Task.id,
            Task.project_id,
            Task.number,
            Task.title,
            Task.status,
            Task.percent_complete,
            Task.planned_start,
            Task.planned_finish,
            Task.budget,
            Task.actual_cost,
            Task.last_update_at,
            Task.assigned_at,
            Task.acknowledged_at,
            Task.blocked_since,
            Task.created_at,
            Task.thread_channel,
            Task.thread_ts,
            Task.next_check_at,
            assignee.slack_user_id.label("assignee"),
            lead.slack_user_id.label("lead"),
        )
        .select_from(Task)
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .outerjoin(Crew, Crew.id == Task.crew_id)
        .outerjoin(lead, lead.id == Crew.lead_id)
    )


def task_facts(row: Any, project_key: str) -> TaskFacts:
    """Return the facts of a row of `task_facts_query` in project `project_key`."""
    return TaskFacts(
        id=row.id,
        key=f"{project_key}-{row.number}",
        project_key=project_key,
        status=row.status,
        created_at=row.created_at,
        percent=row.percent_complete,
        planned_start=row.planned_start,
        planned_finish=row.planned_finish,
        budget=row.budget,
        actual_cost=row.actual_cost,
        last_update_at=row.last_update_at,
        assigned_at=row.assigned_at,
        acknowledged_at=row.acknowledged_at,
        blocked_since=row.blocked_since,
        assignee_user_id=row.assignee,
        crew_lead_user_id=row.lead,
    )
