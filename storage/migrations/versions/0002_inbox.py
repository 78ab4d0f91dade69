"""The inbox: Slack events stored before they are acknowledged, processed right after.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_until", INSTANT),
        sa.Column("done_at", INSTANT),
        sa.Column("last_error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_inbox_event_id")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_inbox_attempts_not_negative")),
    )
    op.create_index(op.f("ix_inbox_done_at_claimed_until"), "inbox", ["done_at", "claimed_until"])


def downgrade() -> None:
    op.drop_table("inbox")
