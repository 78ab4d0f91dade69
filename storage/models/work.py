"""The work and what is said about it: tasks, the updates captured for them, and revisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models.base import (
    Base,
    Hours,
    Instant,
    Json,
    Money,
    Percent,
    Quantity,
    SlackId,
    SlackTs,
    enum_type,
)

if TYPE_CHECKING:
    from storage.models.project import Crew, Member, Project

# History is never deleted by a cascade: tasks and updates RESTRICT the deletion of what they
# belong to (cancel a task, don't delete it). Optional links to current state (crew, assignee,
# alert) are set to NULL when their target goes.


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "number"),
        sa.UniqueConstraint("project_id", "external_id"),  # NULLs are distinct: optional
        sa.UniqueConstraint("thread_channel", "thread_ts"),  # a thread belongs to one task
        # The rule tick: "tasks in these statuses whose next check is due", one index range
        # per status.
        sa.Index(None, "status", "next_check_at"),
        sa.Index(None, "project_id", "status"),
        sa.Index(None, "assignee_id", "status"),
        sa.Index(None, "crew_id"),
        # "What changed on these projects since": the Home tabs' refresh.
        sa.Index(None, "project_id", "updated_at"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        sa.CheckConstraint(
            "planned_start IS NULL OR planned_finish IS NULL OR planned_finish >= planned_start",
            name="planned_dates_order",
        ),
        sa.CheckConstraint(
            "(thread_channel IS NULL) = (thread_ts IS NULL)", name="thread_channel_and_ts"
        ),
    )
    __repr_attrs__ = ("id", "project_id", "number", "status", "title")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"))
    number: Mapped[int]  # allocated by storage.tasks.create_task; "TWR-42" is key + number
    external_id: Mapped[str | None] = mapped_column(sa.String(128))  # spreadsheet row id
    title: Mapped[str] = mapped_column(sa.String(500))
    location: Mapped[str | None] = mapped_column(sa.String(255))
    crew_id: Mapped[int | None] = mapped_column(sa.ForeignKey("crews.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL")
    )
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), default=TaskStatus.PLANNED)
    percent_complete: Mapped[Decimal] = mapped_column(
        Percent, default=Decimal(0), server_default="0"
    )
    planned_start: Mapped[date | None]
    planned_finish: Mapped[date | None]
    budget: Mapped[Decimal | None] = mapped_column(Money)
    actual_cost: Mapped[Decimal | None] = mapped_column(Money)
    planned_qty: Mapped[Decimal | None] = mapped_column(Quantity)
    installed_qty: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[str | None] = mapped_column(sa.String(16))  # "m3", "m2", "t", …
    cost_code: Mapped[str | None] = mapped_column(sa.String(64))  # its cost account: "03-300"
    last_update_at: Mapped[datetime | None] = mapped_column(Instant)
    assigned_at: Mapped[datetime | None] = mapped_column(Instant)
    acknowledged_at: Mapped[datetime | None] = mapped_column(Instant)
    blocked_since: Mapped[datetime | None] = mapped_column(Instant)
    done_at: Mapped[datetime | None] = mapped_column(Instant)
    # The Slack message (usually the assignment card) whose thread belongs to this task.
    thread_channel: Mapped[str | None] = mapped_column(SlackId)
    thread_ts: Mapped[str | None] = mapped_column(SlackTs)
    created_at: Mapped[datetime] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
    # The next instant at which some rule could change its answer for this task (NULL: none).
    # Written by the decision layer so that the tick is one narrow indexed query.
    next_check_at: Mapped[datetime | None] = mapped_column(Instant)

    project: Mapped[Project] = relationship()
    crew: Mapped[Crew | None] = relationship()
    assignee: Mapped[Member | None] = relationship()

    @property
    def key(self) -> str:
        """Return the task's reference as people write it, e.g. "TWR-42" (loads the project)."""
        return f"{self.project.key}-{self.number}"


class Update(Base):
    """One captured fact. Edits revise it (the old text goes to UpdateRevision), deletions
    retract it (`retracted_at`); nothing is silently lost."""

    __tablename__ = "updates"
    __table_args__ = (
        # A retried Slack delivery carries the same key and is refused: nothing records twice.
        sa.UniqueConstraint("idempotency_key"),
        sa.Index(None, "task_id", "occurred_at"),
        sa.Index(None, "project_id", "occurred_at"),
        sa.Index(None, "slack_channel", "slack_ts"),  # message_changed / message_deleted
        sa.Index(None, "alert_id"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        sa.CheckConstraint("manpower >= 0", name="manpower_not_negative"),
    )
    __repr_attrs__ = ("id", "task_id", "kind", "source", "occurred_at", "idempotency_key")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="RESTRICT"))
    member_id: Mapped[int | None] = mapped_column(  # who; NULL for imports and the API
        sa.ForeignKey("members.id", ondelete="RESTRICT")
    )
    occurred_at: Mapped[datetime] = mapped_column(Instant)
    recorded_at: Mapped[datetime] = mapped_column(Instant)
    source: Mapped[UpdateSource] = mapped_column(enum_type(UpdateSource))
    kind: Mapped[UpdateKind] = mapped_column(enum_type(UpdateKind))
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[str | None] = mapped_column(sa.String(16))
    cost: Mapped[Decimal | None] = mapped_column(Money)
    manpower: Mapped[int | None]
    hours: Mapped[Decimal | None] = mapped_column(Hours)
    note: Mapped[str | None] = mapped_column(sa.Text)
    raw_text: Mapped[str | None] = mapped_column(sa.Text)
    slack_channel: Mapped[str | None] = mapped_column(SlackId)
    slack_ts: Mapped[str | None] = mapped_column(SlackTs)
    slack_thread_ts: Mapped[str | None] = mapped_column(SlackTs)
    # Slack's event_id, or "channel:ts", or a hash of the content for other sources.
    idempotency_key: Mapped[str] = mapped_column(sa.String(255))
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    # For a report read from a message's text: the ts of the message version it stands for —
    # the post's, its latest edit's (`edited.ts`), or the deletion's. Slack may deliver edits
    # out of order or again after the deletion; only a newer version may change the report.
    message_version: Mapped[str | None] = mapped_column(SlackTs)
    retracted_at: Mapped[datetime | None] = mapped_column(Instant)
    # The alert this update answers (a reply to a follow-up).
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alerts.id", ondelete="SET NULL"))

    task: Mapped[Task | None] = relationship()
    member: Mapped[Member | None] = relationship()
    revisions: Mapped[list[UpdateRevision]] = relationship(
        back_populates="update", order_by="UpdateRevision.revision"
    )


class UpdateRevision(Base):
    """A previous version of an edited update: its text and values until `revised_at`."""

    __tablename__ = "update_revisions"
    __table_args__ = (sa.UniqueConstraint("update_id", "revision"),)
    __repr_attrs__ = ("id", "update_id", "revision", "revised_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("updates.id", ondelete="CASCADE"))
    revision: Mapped[int]
    raw_text: Mapped[str | None] = mapped_column(sa.Text)
    values: Mapped[dict[str, Any]] = mapped_column(Json)
    revised_at: Mapped[datetime] = mapped_column(Instant)

    update: Mapped[Update] = relationship(back_populates="revisions")
