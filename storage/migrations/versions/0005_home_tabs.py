"""People's Home tabs (who opened siteloop's, as of when it shows the projects), and the index
that finds what changed on a project since.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "home_tabs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", INSTANT, nullable=False),
        sa.Column("shown_at", INSTANT, nullable=True),
        sa.Column("drawn_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_home_tabs_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_home_tabs")),
    )
    op.create_index(op.f("ix_tasks_project_id_updated_at"), "tasks", ["project_id", "updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_tasks_project_id_updated_at"), table_name="tasks")
    op.drop_table("home_tabs")
