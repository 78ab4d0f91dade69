"""People's Home tabs: who has opened siteloop's, and as of when what it shows was read."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Instant


class HomeTab(Base):
    """A person's Home tab in Slack, once they have opened it.

    siteloop republishes it when something it shows changes: a task of one of the person's
    projects (`tasks.updated_at`) or an alert (opened, notified, acknowledged, resolved) later
    than `shown_at`, the latest change its last published view was drawn with (read before
    the view, so a change committed while it was drawn is later still). NULL asks for it now.
    `drawn_at` is when that view was drawn: a tab is drawn again an hour on (its "ago"s and
    what is late move with time), and once more shortly after a change just before it was
    drawn (a writer stamps its change before it commits). See `storage.home.is_stale`.
    """

    __tablename__ = "home_tabs"
    __repr_attrs__ = ("member_id", "opened_at", "shown_at")

    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    opened_at: Mapped[datetime] = mapped_column(Instant)
    shown_at: Mapped[datetime | None] = mapped_column(Instant)
    drawn_at: Mapped[datetime] = mapped_column(Instant)
