"""Updates remember which version of a message their report was read from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

`updates.message_version` is the ts of the post, of its latest edit, or of its deletion: an
edit only applies when it is newer. Reports recorded before this revision start from their
post's own ts, the oldest version there is. ADD COLUMN needs no table rebuild on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("updates", sa.Column("message_version", sa.String(32)))
    op.execute(
        "UPDATE updates SET message_version = slack_ts"
        " WHERE source IN ('message', 'thread_reply') AND slack_ts IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("updates") as batch:
        batch.drop_column("message_version")
