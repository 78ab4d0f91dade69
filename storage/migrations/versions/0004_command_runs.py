"""Slash commands already run, keyed by their trigger_id, so a rerun changes nothing twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "command_runs",
        sa.Column("trigger_id", sa.String(255), nullable=False),
        sa.Column("ran_at", INSTANT, nullable=False),
        sa.Column("answer", JSON, nullable=False),
        sa.PrimaryKeyConstraint("trigger_id", name=op.f("pk_command_runs")),
    )
    op.create_index(op.f("ix_command_runs_ran_at"), "command_runs", ["ran_at"])


def downgrade() -> None:
    op.drop_table("command_runs")
