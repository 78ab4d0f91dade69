"""Tasks' cost codes: the cost account each is budgeted under ("03-300"), for earned value by
cost code.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("cost_code", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("cost_code")
