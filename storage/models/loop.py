"""The bot's side of the loop: alerts raised by rules, and the outbox of messages to send."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from rules.vocabulary import OutboxState, Severity
from storage.models.base import Base, Instant, Json, SlackId, SlackTs, enum_type

if TYPE_CHECKING:
    from storage.models.project import Member
    from storage.models.work import Task, Update


class Alert(Base):
    """One episode of a rule holding for a task (or, with no task, for a whole project).

    At most one alert per (rule, project, task) is open at a time, and the database enforces
    it on SQLite and PostgreSQL alike with `open_key`: while the alert is open it holds
    "rule:project:task" (`task` is "-" for project-level rules) under a UNIQUE constraint; once
    resolved it is NULL, and NULLs never collide, so closed episodes pile up freely.
    A CHECK constraint ties `open_key` to `resolved_at` and to the row's own rule/project/task,
    so no write can forget to set it or set it wrong; `Alert.open_key_for()` fills it in.

    Why not a partial unique index (`WHERE resolved_at IS NULL`): with a NULL task_id it would
    let any number of project-level alerts stay open (NULLs are distinct in unique indexes, and
    SQLite has no NULLS NOT DISTINCT), and Alembic compares partial-index predicates as
    dialect-specific SQL text, which makes "migrations == models" unreliable across databases.
    A plain unique constraint is reflected and compared exactly on both.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        sa.UniqueConstraint("open_key"),
        sa.Index(None, "next_step_at"),
        sa.Index(None, "task_id"),
        sa.Index(None, "project_id"),
        sa.CheckConstraint(
            "(resolved_at IS NULL AND open_key IS NOT NULL"
            " AND open_key = rule_id || ':' || CAST(project_id AS VARCHAR)"
            " || ':' || COALESCE(CAST(task_id AS VARCHAR), '-'))"
            " OR (resolved_at IS NOT NULL AND open_key IS NULL)",
            name="open_key_matches",
        ),
        sa.CheckConstraint("level >= 0", name="level_not_negative"),
    )
    __repr_attrs__ = ("id", "rule_id", "task_id", "level", "opened_at", "resolved_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(sa.String(64))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    severity: Mapped[Severity] = mapped_column(enum_type(Severity))
    opened_at: Mapped[datetime] = mapped_column(Instant)
    level: Mapped[int] = mapped_column(default=0, server_default="0")  # escalation step reached
    # When the next escalation step or repeat is due; NULL when nothing more will happen.
    next_step_at: Mapped[datetime | None] = mapped_column(Instant)
    last_notified_at: Mapped[datetime | None] = mapped_column(Instant)
    acknowledged_at: Mapped[datetime | None] = mapped_column(Instant)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL")
    )
    snoozed_until: Mapped[datetime | None] = mapped_column(Instant)
    resolved_at: Mapped[datetime | None] = mapped_column(Instant)
    resolved_by_update_id: Mapped[int | None] = mapped_column(
        # updates.alert_id points back here: this side of the cycle is added after both tables.
        sa.ForeignKey("updates.id", ondelete="SET NULL", use_alter=True)
    )
    open_key: Mapped[str | None] = mapped_column(sa.String(128))

    task: Mapped[Task | None] = relationship()
    acknowledged_by: Mapped[Member | None] = relationship()
    resolved_by_update: Mapped[Update | None] = relationship(foreign_keys=[resolved_by_update_id])

    # `open_key` follows `resolved_at`, so resolving an alert is just setting resolved_at.
    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        self._key_open_alert(self.resolved_at)

    @validates("resolved_at")
    def _resolving(self, _name: str, resolved_at: datetime | None) -> datetime | None:
        self._key_open_alert(resolved_at)
        return resolved_at

    def _key_open_alert(self, resolved_at: datetime | None) -> None:
        if resolved_at is None:
            self.open_key = Alert.open_key_for(self.rule_id, self.project_id, self.task_id)
        else:
            self.open_key = None

    @staticmethod
    def open_key_for(rule_id: str, project_id: int, task_id: int | None) -> str:
        """Return the `open_key` an open alert of `rule_id` on this project/task must carry."""
        return f"{rule_id}:{project_id}:{'-' if task_id is None else task_id}"


class OutboxMessage(Base):
    """A message the bot will send, written in the same transaction as the decision behind it.

    A sender claims a row by setting `claimed_until` (a lease) with a conditional update; if it
    crashes, the lease runs out and another sender picks the row up again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key"),
        sa.Index(None, "state", "next_attempt_at"),
        sa.Index(None, "slack_channel", "slack_ts"),  # a reply to a sent message links back
        sa.Index(None, "alert_id"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
    __repr_attrs__ = ("id", "kind", "target", "state", "attempts", "next_attempt_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Instant)
    kind: Mapped[str] = mapped_column(sa.String(32))  # "assignment", "follow_up", "escalation", …
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="SET NULL")
    )
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alerts.id", ondelete="SET NULL"))
    target: Mapped[str] = mapped_column(SlackId)  # channel id, or user id for a DM
    thread_ts: Mapped[str | None] = mapped_column(SlackTs)
    payload: Mapped[dict[str, Any]] = mapped_column(Json)  # text, blocks, metadata
    state: Mapped[OutboxState] = mapped_column(enum_type(OutboxState), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(Instant)
    claimed_until: Mapped[datetime | None] = mapped_column(Instant)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(Instant)
    slack_channel: Mapped[str | None] = mapped_column(SlackId)
    slack_ts: Mapped[str | None] = mapped_column(SlackTs)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(255))
