"""The daily log: each site day's weather, delays, manpower and notes (`/log`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
ENUM = sa.String(32)


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_log_entries_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "log_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("member_id", sa.Integer()),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("task_id", sa.Integer()),
        sa.Column("crew_id", sa.Integer()),
        sa.Column("delay_type", sa.String(32)),
        sa.Column("starts_at", INSTANT),
        sa.Column("ends_at", INSTANT),
        sa.Column("minutes", sa.Integer()),
        sa.Column("workers", sa.Integer()),
        sa.Column("hours", sa.Numeric(10, 2)),
        sa.Column("conditions", sa.String(255)),
        sa.Column("precipitation_mm", sa.Numeric(7, 1)),
        sa.Column("temperature_c", sa.Numeric(5, 1)),
        sa.Column("text", sa.Text()),
        sa.Column("source_key", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entries")),
        sa.UniqueConstraint("source_key", name=op.f("uq_log_entries_source_key")),
        _fk("project_id", "projects", "CASCADE"),
        _fk("member_id", "members", "SET NULL"),
        _fk("task_id", "tasks", "CASCADE"),
        _fk("crew_id", "crews", "SET NULL"),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes > 0", name=op.f("ck_log_entries_minutes_positive")
        ),
        sa.CheckConstraint(
            "(starts_at IS NULL) = (ends_at IS NULL)",
            name=op.f("ck_log_entries_window_starts_and_ends"),
        ),
    )
    op.create_index(op.f("ix_log_entries_project_id_day"), "log_entries", ["project_id", "day"])


def downgrade() -> None:
    op.drop_table("log_entries")
