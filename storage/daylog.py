"""A project's daily log (`storage.models.LogEntry`): writing its entries once, reading a day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from rules.vocabulary import UpdateKind
from storage.models import Crew, LogEntry, Task, Update


def add_entries(session: Session, entries: Sequence[LogEntry]) -> bool:
    """Add `entries` (one command's) in the caller's transaction; return False, adding
    nothing, when the first one's source key was recorded before."""
    if not entries:
        return False
    taken = session.scalar(
        sa.select(LogEntry.id).where(LogEntry.source_key == entries[0].source_key)
    )
    if taken is not None:
        return False
    session.add_all(entries)
    session.flush()
    return True


def day_entries(session: Session, project_id: int, day: date) -> list[LogEntry]:
    """Return the project's log entries of `day`, in the order they were recorded."""
    return list(
        session.scalars(
            sa.select(LogEntry)
            .where(LogEntry.project_id == project_id, LogEntry.day == day)
            .options(
                selectinload(LogEntry.task).selectinload(Task.project),
                selectinload(LogEntry.crew),
                selectinload(LogEntry.member),
            )
            .order_by(LogEntry.recorded_at, LogEntry.id)
        )
    )


@dataclass(frozen=True)
class ReportedManpower:
    """Workers and hours reported on a crew's tasks over a span (`/update … crew 6 8h`)."""

    crew: str | None  # None: tasks of no crew
    reports: int
    workers: int  # the most reported on one task at once
    worker_hours: Decimal


def reported_manpower(
    session: Session, project_id: int, start: datetime, end: datetime
) -> list[ReportedManpower]:
    """Return the manpower the project's reports gave between `start` and `end`, by crew."""
    rows = session.execute(
        sa.select(Crew.name, Update.manpower, Update.hours)
        .select_from(Update)
        .join(Task, Task.id == Update.task_id)
        .outerjoin(Crew, Crew.id == Task.crew_id)
        .where(
            Update.project_id == project_id,
            Update.retracted_at.is_(None),
            Update.kind != UpdateKind.ACK,
            Update.manpower.is_not(None),
            Update.occurred_at >= start,
            Update.occurred_at < end,
        )
    ).all()
    grouped: dict[str | None, list[tuple[int, Decimal | None]]] = {}
    for crew, workers, hours in rows:
        grouped.setdefault(crew, []).append((workers or 0, hours))
    return [
        ReportedManpower(
            crew,
            len(seen),
            max(workers for workers, _ in seen),
            sum((Decimal(workers) * (hours or 0) for workers, hours in seen), Decimal(0)),
        )
        for crew, seen in sorted(grouped.items(), key=lambda item: (item[0] is None, item[0] or ""))
    ]
