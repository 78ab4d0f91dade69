"""Who and where: projects, their Slack channels, members, roles and crews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.vocabulary import Role
from storage.models.base import Base, Instant, Json, SlackId, enum_type


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        sa.UniqueConstraint("key"),
        # Letters-only is checked by the parser; the database guarantees length and case.
        sa.CheckConstraint("length(key) BETWEEN 2 AND 6 AND upper(key) = key", name="key_format"),
        sa.CheckConstraint("next_task_number >= 1", name="next_task_number_positive"),
    )
    __repr_attrs__ = ("id", "key", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(6))
    name: Mapped[str] = mapped_column(sa.String(255))
    timezone: Mapped[str] = mapped_column(sa.String(64))  # IANA name, e.g. "Asia/Ho_Chi_Minh"
    # The project's working calendar; NULL means the default calendar of the rules file.
    calendar: Mapped[dict[str, Any] | None] = mapped_column(Json)
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD", server_default="USD")
    # The number the next task gets; see storage.tasks.create_task.
    next_task_number: Mapped[int] = mapped_column(default=1, server_default="1")
    # The last update recorded for any of the project's tasks (for a project-level silence rule).
    last_report_at: Mapped[datetime | None] = mapped_column(Instant)
    created_at: Mapped[datetime] = mapped_column(Instant)

    channels: Mapped[list[Channel]] = relationship(back_populates="project")
    crews: Mapped[list[Crew]] = relationship(back_populates="project")


class Channel(Base):
    """A Slack channel linked to a project (`/siteloop setup`)."""

    __tablename__ = "channels"
    __table_args__ = (sa.UniqueConstraint("slack_channel_id"),)
    __repr_attrs__ = ("id", "slack_channel_id", "project_id", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_channel_id: Mapped[str] = mapped_column(SlackId)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(Instant)
    linked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL")
    )

    project: Mapped[Project] = relationship(back_populates="channels")


class Member(Base):
    """A Slack user, with the profile fields cached from `users.info` (refreshed at most daily)."""

    __tablename__ = "members"
    __table_args__ = (sa.UniqueConstraint("slack_user_id"),)
    __repr_attrs__ = ("id", "slack_user_id", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(SlackId)
    name: Mapped[str | None] = mapped_column(sa.String(255))
    real_name: Mapped[str | None] = mapped_column(sa.String(255))
    display_name: Mapped[str | None] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))  # IANA name from Slack's `tz`
    is_bot: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    profile_refreshed_at: Mapped[datetime | None] = mapped_column(Instant)


class ProjectRole(Base):
    """A member's role in one project; at most one role per (project, member)."""

    __tablename__ = "project_roles"
    __repr_attrs__ = ("project_id", "member_id", "role")

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role))

    member: Mapped[Member] = relationship()


class Crew(Base):
    __tablename__ = "crews"
    __table_args__ = (sa.UniqueConstraint("project_id", "name"),)
    __repr_attrs__ = ("id", "project_id", "name", "trade")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(255))
    trade: Mapped[str | None] = mapped_column(sa.String(255))
    lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )

    project: Mapped[Project] = relationship(back_populates="crews")
    lead: Mapped[Member | None] = relationship()
    members: Mapped[list[Member]] = relationship(secondary="crew_members")


class CrewMember(Base):
    __tablename__ = "crew_members"
    __repr_attrs__ = ("crew_id", "member_id")

    crew_id: Mapped[int] = mapped_column(
        sa.ForeignKey("crews.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
