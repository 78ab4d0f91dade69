"""Slash commands already run, so that one run again after a crash changes nothing twice."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Instant, Json


class CommandRun(Base):
    """One slash command whose work was committed, keyed by the `trigger_id` Slack gave it.

    The worker notes requests as done in batches, so a worker killed while behind leaves some
    commands it already ran to be run again by the next sweep. The row is written in the same
    transaction as the command's effect: either both are there or neither, and a command found
    here is answered with what it answered the first time instead of being run again.
    """

    __tablename__ = "command_runs"
    __repr_attrs__ = ("trigger_id", "ran_at")

    # Slack's trigger_ids are short ("13345224609.738474920.8088930838d88f008e0"), never over 255.
    trigger_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(Instant, index=True)
    # The answer the person was shown (`bot.services.replies.Answer.to_dict`).
    answer: Mapped[dict[str, Any]] = mapped_column(Json)
