"""Slash commands already run: what each answered, kept a week (`CommandRun`)."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import CommandRun

# A command is run again only by the sweep after a crash, minutes later; a week is plenty.
KEEP = timedelta(days=7)


def answer_of(session: Session, trigger_id: str) -> dict[str, Any] | None:
    """Return what the command with this trigger_id answered when it ran, or None if it didn't."""
    return session.scalar(sa.select(CommandRun.answer).where(CommandRun.trigger_id == trigger_id))


def remember(session: Session, trigger_id: str, now: datetime, answer: dict[str, Any]) -> None:
    """Note in the session's transaction that the command ran and what it answered.

    Raises IntegrityError when another process ran the same command meanwhile.
    """
    session.add(CommandRun(trigger_id=trigger_id, ran_at=now, answer=answer))
    session.flush()


def forget_old(session: Session, now: datetime) -> int:
    """Delete the runs older than `KEEP`; return how many."""
    statement = sa.delete(CommandRun).where(CommandRun.ran_at < now - KEEP)
    return rows_changed(session, statement.execution_options(synchronize_session=False))
