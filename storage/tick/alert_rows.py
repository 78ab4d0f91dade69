"""Alert rows as the tick writes them: the state `rules.alerts.decide` reads and writes, the
alerts a batch opens (one INSERT), and the update that cleared an alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.alerts import AlertState
from storage.models import Alert, Update


@dataclass
class OpenedAlert:
    """An alert this tick opens: its row, written with the others of its batch in one INSERT,
    and the id it got."""

    row: dict[str, Any]
    id: int | None = None

    @property
    def opened_at(self) -> datetime:
        value: datetime = self.row["opened_at"]
        return value

    @property
    def next_step_at(self) -> datetime | None:
        value: datetime | None = self.row["next_step_at"]
        return value


def insert_opened(session: Session, opened: list[OpenedAlert]) -> None:
    """Insert the alerts a batch opens in one statement, and learn their ids by `open_key`
    (unique while open), which needs no RETURNING in row order (SQLite has none)."""
    if not opened:
        return
    session.execute(sa.insert(Alert.__table__), [alert.row for alert in opened])
    keys = [alert.row["open_key"] for alert in opened]
    ids: dict[str | None, int] = {}
    for start in range(0, len(keys), 500):
        query = sa.select(Alert.open_key, Alert.id).where(
            Alert.open_key.in_(keys[start : start + 500])
        )
        ids.update((key, alert_id) for key, alert_id in session.execute(query))
    for alert in opened:
        alert.id = ids[alert.row["open_key"]]


def state_of(alert: Alert) -> AlertState:
    return AlertState(
        opened_at=alert.opened_at,
        level=alert.level,
        next_step_at=alert.next_step_at,
        last_notified_at=alert.last_notified_at,
        acknowledged_at=alert.acknowledged_at,
        snoozed_until=alert.snoozed_until,
        resolved_at=alert.resolved_at,
        resolved_by_update_id=alert.resolved_by_update_id,
    )


def write_state(alert: Alert, state: AlertState) -> None:
    """Copy what `decide` may change onto the row (acknowledgement and snooze are the
    writers', never the tick's)."""
    for name in ("level", "next_step_at", "last_notified_at", "resolved_at"):
        value = getattr(state, name)
        if getattr(alert, name) != value:
            setattr(alert, name, value)
    if state.resolved_by_update_id is not None:
        alert.resolved_by_update_id = state.resolved_by_update_id


def clearing_update(session: Session, alert: Alert, task_id: int | None) -> int | None:
    """Return the update that cleared `alert`: the latest live one of its task (or project)
    if it was recorded since the alert opened, else None (time alone cleared it).

    One indexed lookup ((task_id, occurred_at) or (project_id, occurred_at)), made only for
    an alert that resolves.
    """
    owner = (
        Update.task_id == task_id
        if task_id is not None
        else (Update.project_id == alert.project_id)
    )
    row = session.execute(
        sa.select(Update.id, Update.recorded_at)
        .where(owner, Update.retracted_at.is_(None))
        .order_by(Update.occurred_at.desc(), Update.id.desc())
        .limit(1)
    ).first()
    if row is None or row.recorded_at < alert.opened_at:
        return None
    return int(row.id)
