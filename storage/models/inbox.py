"""The inbox: Slack events and commands stored before Slack is told they arrived, then processed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Instant


class InboxEvent(Base):
    """One Slack event delivery or slash command, kept from its acknowledgement until its listener
    has run.

    Slack's 200 means "stored here": the request is inserted, unique by Slack's `event_id` (so a
    retried delivery is stored once; a command, never retried, is keyed by its content), then a
    worker runs the listeners on it. The process
    that accepts an event leases it (`claimed_until`) while its worker gets to it; a lease that
    runs out means that process died, and any process's sweep picks the event up again.

    `done_at` is set once the event is processed, or given up after repeated failures, in
    which case `last_error` keeps the reason. Done rows stay a day to recognise late retries.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        sa.UniqueConstraint("event_id"),
        sa.Index(None, "done_at", "claimed_until"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
    __repr_attrs__ = ("id", "event_id", "attempts", "claimed_until", "done_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(Instant)
    # Exactly as Slack sent it: an event's JSON envelope, or a command's form-encoded fields.
    body: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    claimed_until: Mapped[datetime | None] = mapped_column(Instant)
    done_at: Mapped[datetime | None] = mapped_column(Instant)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @hybrid_property
    def given_up(self) -> bool:
        """Whether processing the event was given up (it keeps its last error)."""
        return self.done_at is not None and self.last_error is not None

    @given_up.inplace.expression
    @classmethod
    def _given_up_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.done_at.is_not(None), cls.last_error.is_not(None))
