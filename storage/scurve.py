"""Reading a project's S-curve (`rules.scurve`): its tasks' budgets and plans, and every live
report that moved a percent or recorded a cost, in two queries."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import Calendar
from rules.scurve import CurveTask, Reports, SCurve, s_curve
from rules.vocabulary import TaskStatus, UpdateKind
from storage.models import Project, Task, Update
from storage.types import epoch_seconds


def read_s_curve(session: Session, project: Project, calendar: Calendar, now: datetime) -> SCurve:
    """Return `project`'s S-curve at `now`, on its `calendar`."""
    tasks = [
        CurveTask(
            id=row.id,
            budget=row.budget,
            planned_start=row.planned_start,
            planned_finish=row.planned_finish,
            cancelled=row.status is TaskStatus.CANCELLED,
        )
        for row in session.execute(
            sa.select(
                Task.id, Task.budget, Task.planned_start, Task.planned_finish, Task.status
            ).where(Task.project_id == project.id)
        )
    ]
    moving = sa.or_(
        Update.kind == UpdateKind.DONE, Update.percent.is_not(None), Update.cost.is_not(None)
    )
    # Plain floats, computed by the database: a large project has 100,000 of these rows.
    percent = sa.case(
        (Update.kind == UpdateKind.DONE, 100.0), else_=sa.cast(Update.percent, sa.Float)
    )
    rows = session.execute(
        sa.select(
            Update.task_id,
            epoch_seconds(Update.occurred_at),
            percent,
            sa.cast(Update.cost, sa.Float),
        ).where(
            Update.project_id == project.id,
            Update.task_id.is_not(None),
            Update.retracted_at.is_(None),
            Update.occurred_at <= now,
            moving,
        )
    ).all()
    task_id, at, percents, cost = zip(*rows, strict=True) if rows else ((), (), (), ())
    reports = Reports(
        task_id=np.array(task_id, dtype=np.int64),
        at=np.array(at, dtype=np.float64),
        percent=np.array(percents, dtype=np.float64),  # None becomes NaN
        cost=np.array(cost, dtype=np.float64),
    )
    return s_curve(tasks, reports, calendar, now)
