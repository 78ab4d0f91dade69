"""A project's daily log: the weather, delays, manpower and notes of each site day (`/log`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.vocabulary import LogKind
from storage.models.base import Base, Hours, Instant, enum_type
from storage.models.project import Crew, Member
from storage.models.work import Task
from storage.types import ExactNumeric


class LogEntry(Base):
    """One entry of a project's daily log, for its site `day`.

    A delay is for a task, a crew, or (neither) the whole project; it lasts `minutes`, within
    `starts_at`–`ends_at` when a window was given. A weather entry with a stoppage comes with a
    weather delay for the whole project (two rows, one command). `source_key` makes a command
    Slack delivers twice record once.
    """

    __tablename__ = "log_entries"
    __table_args__ = (
        sa.UniqueConstraint("source_key"),
        sa.Index(None, "project_id", "day"),
        sa.CheckConstraint("minutes IS NULL OR minutes > 0", name="minutes_positive"),
        sa.CheckConstraint(
            "(starts_at IS NULL) = (ends_at IS NULL)", name="window_starts_and_ends"
        ),
    )
    __repr_attrs__ = ("id", "project_id", "day", "kind")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    day: Mapped[date]
    kind: Mapped[LogKind] = mapped_column(enum_type(LogKind))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(Instant)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    crew_id: Mapped[int | None] = mapped_column(sa.ForeignKey("crews.id", ondelete="SET NULL"))
    delay_type: Mapped[str | None] = mapped_column(sa.String(32))
    starts_at: Mapped[datetime | None] = mapped_column(Instant)
    ends_at: Mapped[datetime | None] = mapped_column(Instant)
    minutes: Mapped[int | None]
    workers: Mapped[int | None]
    hours: Mapped[Decimal | None] = mapped_column(Hours)
    conditions: Mapped[str | None] = mapped_column(sa.String(255))
    precipitation_mm: Mapped[Decimal | None] = mapped_column(ExactNumeric(7, 1))
    temperature_c: Mapped[Decimal | None] = mapped_column(ExactNumeric(5, 1))
    text: Mapped[str | None] = mapped_column(sa.Text)  # a delay's reason, a note
    source_key: Mapped[str] = mapped_column(sa.String(255))

    member: Mapped[Member | None] = relationship()
    task: Mapped[Task | None] = relationship()
    crew: Mapped[Crew | None] = relationship()
