"""Rows for the storage tests, with explicit defaults; each factory adds and flushes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from rules.vocabulary import Severity, UpdateKind, UpdateSource
from storage.models import Alert, Member, Project, Update

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_project(session: Session, *, key: str = "TWR", **fields: Any) -> Project:
    defaults: dict[str, Any] = {
        "name": "Tower A",
        "timezone": "Asia/Ho_Chi_Minh",
        "created_at": NOW,
    }
    return _add(session, Project(key=key, **(defaults | fields)))


def make_member(session: Session, *, slack_user_id: str = "U_BOB", **fields: Any) -> Member:
    return _add(session, Member(slack_user_id=slack_user_id, **({"name": "bob"} | fields)))


def make_update(
    session: Session, project: Project, *, idempotency_key: str = "Ev001", **fields: Any
) -> Update:
    defaults: dict[str, Any] = {
        "occurred_at": NOW,
        "recorded_at": NOW,
        "source": UpdateSource.COMMAND,
        "kind": UpdateKind.PROGRESS,
    }
    row = Update(project_id=project.id, idempotency_key=idempotency_key, **(defaults | fields))
    return _add(session, row)


def make_alert(
    session: Session, project: Project, *, rule_id: str = "stalled", **fields: Any
) -> Alert:
    defaults: dict[str, Any] = {"severity": Severity.WARNING, "opened_at": NOW}
    return _add(session, Alert(project_id=project.id, rule_id=rule_id, **(defaults | fields)))
