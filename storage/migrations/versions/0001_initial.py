"""The initial schema: projects, people, tasks, updates, alerts and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Types are spelled with plain SQLAlchemy types, so this file never changes when the application's
types do: storage.types.UTCDateTime is `DateTime(timezone=True)` underneath, ExactNumeric is
`Numeric`, and enums are stored as their string values in VARCHAR(32) (see models/base.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
MONEY = sa.Numeric(14, 2)
QUANTITY = sa.Numeric(14, 3)
PERCENT = sa.Numeric(5, 2)
HOURS = sa.Numeric(10, 2)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ENUM = sa.String(32)
SLACK_ID = sa.String(32)
SLACK_TS = sa.String(32)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(column: str, target: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """Return the foreign key `table.column` → `target.id`, named as the models name it."""
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "members",
        _id(),
        sa.Column("slack_user_id", SLACK_ID, nullable=False),
        sa.Column("name", sa.String(255)),
        sa.Column("real_name", sa.String(255)),
        sa.Column("display_name", sa.String(255)),
        sa.Column("email", sa.String(255)),
        sa.Column("timezone", sa.String(64)),
        sa.Column("is_bot", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("profile_refreshed_at", INSTANT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("slack_user_id", name=op.f("uq_members_slack_user_id")),
    )

    op.create_table(
        "projects",
        _id(),
        sa.Column("key", sa.String(6), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("calendar", JSON),
        sa.Column("currency", sa.String(3), server_default="USD", nullable=False),
        sa.Column("next_task_number", sa.Integer(), server_default="1", nullable=False),
        sa.Column("last_report_at", INSTANT),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("key", name=op.f("uq_projects_key")),
        _check("projects", "key_format", "length(key) BETWEEN 2 AND 6 AND upper(key) = key"),
        _check("projects", "next_task_number_positive", "next_task_number >= 1"),
    )

    op.create_table(
        "channels",
        _id(),
        sa.Column("slack_channel_id", SLACK_ID, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255)),
        sa.Column("linked_at", INSTANT, nullable=False),
        sa.Column("linked_by_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("slack_channel_id", name=op.f("uq_channels_slack_channel_id")),
        _fk("project_id", "projects", "channels", "CASCADE"),
        _fk("linked_by_id", "members", "channels", "SET NULL"),
    )
    op.create_index(op.f("ix_channels_project_id"), "channels", ["project_id"])

    op.create_table(
        "project_roles",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.PrimaryKeyConstraint("project_id", "member_id", name=op.f("pk_project_roles")),
        _fk("project_id", "projects", "project_roles", "CASCADE"),
        _fk("member_id", "members", "project_roles", "CASCADE"),
    )
    op.create_index(op.f("ix_project_roles_member_id"), "project_roles", ["member_id"])

    op.create_table(
        "crews",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("trade", sa.String(255)),
        sa.Column("lead_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crews")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_crews_project_id_name")),
        _fk("project_id", "projects", "crews", "CASCADE"),
        _fk("lead_id", "members", "crews", "SET NULL"),
    )
    op.create_index(op.f("ix_crews_lead_id"), "crews", ["lead_id"])

    op.create_table(
        "crew_members",
        sa.Column("crew_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("crew_id", "member_id", name=op.f("pk_crew_members")),
        _fk("crew_id", "crews", "crew_members", "CASCADE"),
        _fk("member_id", "members", "crew_members", "CASCADE"),
    )
    op.create_index(op.f("ix_crew_members_member_id"), "crew_members", ["member_id"])

    op.create_table(
        "tasks",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(128)),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("location", sa.String(255)),
        sa.Column("crew_id", sa.Integer()),
        sa.Column("assignee_id", sa.Integer()),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("percent_complete", PERCENT, server_default="0", nullable=False),
        sa.Column("planned_start", sa.Date()),
        sa.Column("planned_finish", sa.Date()),
        sa.Column("budget", MONEY),
        sa.Column("actual_cost", MONEY),
        sa.Column("planned_qty", QUANTITY),
        sa.Column("installed_qty", QUANTITY),
        sa.Column("unit", sa.String(16)),
        sa.Column("last_update_at", INSTANT),
        sa.Column("assigned_at", INSTANT),
        sa.Column("acknowledged_at", INSTANT),
        sa.Column("blocked_since", INSTANT),
        sa.Column("done_at", INSTANT),
        sa.Column("thread_channel", SLACK_ID),
        sa.Column("thread_ts", SLACK_TS),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("next_check_at", INSTANT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_tasks_project_id_number")),
        sa.UniqueConstraint(
            "project_id", "external_id", name=op.f("uq_tasks_project_id_external_id")
        ),
        sa.UniqueConstraint(
            "thread_channel", "thread_ts", name=op.f("uq_tasks_thread_channel_thread_ts")
        ),
        _fk("project_id", "projects", "tasks", "RESTRICT"),
        _fk("crew_id", "crews", "tasks", "SET NULL"),
        _fk("assignee_id", "members", "tasks", "SET NULL"),
        _check("tasks", "number_positive", "number >= 1"),
        _check("tasks", "percent_range", "percent_complete BETWEEN 0 AND 100"),
        _check(
            "tasks",
            "planned_dates_order",
            "planned_start IS NULL OR planned_finish IS NULL OR planned_finish >= planned_start",
        ),
        _check("tasks", "thread_channel_and_ts", "(thread_channel IS NULL) = (thread_ts IS NULL)"),
    )
    # The rule tick's query: tasks in given statuses whose next check is due.
    op.create_index(op.f("ix_tasks_status_next_check_at"), "tasks", ["status", "next_check_at"])
    op.create_index(op.f("ix_tasks_project_id_status"), "tasks", ["project_id", "status"])
    op.create_index(op.f("ix_tasks_assignee_id_status"), "tasks", ["assignee_id", "status"])
    op.create_index(op.f("ix_tasks_crew_id"), "tasks", ["crew_id"])

    # alerts and updates point at each other; alerts.resolved_by_update_id gets its foreign
    # key once updates exists (below).
    op.create_table(
        "alerts",
        _id(),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer()),
        sa.Column("severity", ENUM, nullable=False),
        sa.Column("opened_at", INSTANT, nullable=False),
        sa.Column("level", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_step_at", INSTANT),
        sa.Column("last_notified_at", INSTANT),
        sa.Column("acknowledged_at", INSTANT),
        sa.Column("acknowledged_by_id", sa.Integer()),
        sa.Column("snoozed_until", INSTANT),
        sa.Column("resolved_at", INSTANT),
        sa.Column("resolved_by_update_id", sa.Integer()),
        sa.Column("open_key", sa.String(128)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        # One open alert per (rule, project, task): see models/loop.py, Alert.
        sa.UniqueConstraint("open_key", name=op.f("uq_alerts_open_key")),
        _fk("project_id", "projects", "alerts", "CASCADE"),
        _fk("task_id", "tasks", "alerts", "CASCADE"),
        _fk("acknowledged_by_id", "members", "alerts", "SET NULL"),
        _check(
            "alerts",
            "open_key_matches",
            "(resolved_at IS NULL AND open_key IS NOT NULL"
            " AND open_key = rule_id || ':' || CAST(project_id AS VARCHAR)"
            " || ':' || COALESCE(CAST(task_id AS VARCHAR), '-'))"
            " OR (resolved_at IS NOT NULL AND open_key IS NULL)",
        ),
        _check("alerts", "level_not_negative", "level >= 0"),
    )
    op.create_index(op.f("ix_alerts_next_step_at"), "alerts", ["next_step_at"])
    op.create_index(op.f("ix_alerts_task_id"), "alerts", ["task_id"])
    op.create_index(op.f("ix_alerts_project_id"), "alerts", ["project_id"])

    op.create_table(
        "updates",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer()),
        sa.Column("member_id", sa.Integer()),
        sa.Column("occurred_at", INSTANT, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("source", ENUM, nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("percent", PERCENT),
        sa.Column("quantity", QUANTITY),
        sa.Column("unit", sa.String(16)),
        sa.Column("cost", MONEY),
        sa.Column("manpower", sa.Integer()),
        sa.Column("hours", HOURS),
        sa.Column("note", sa.Text()),
        sa.Column("raw_text", sa.Text()),
        sa.Column("slack_channel", SLACK_ID),
        sa.Column("slack_ts", SLACK_TS),
        sa.Column("slack_thread_ts", SLACK_TS),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("retracted_at", INSTANT),
        sa.Column("alert_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_updates")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_updates_idempotency_key")),
        _fk("project_id", "projects", "updates", "RESTRICT"),
        _fk("task_id", "tasks", "updates", "RESTRICT"),
        _fk("member_id", "members", "updates", "RESTRICT"),
        _fk("alert_id", "alerts", "updates", "SET NULL"),
        _check("updates", "revision_positive", "revision >= 1"),
        _check("updates", "percent_range", "percent BETWEEN 0 AND 100"),
        _check("updates", "manpower_not_negative", "manpower >= 0"),
    )
    op.create_index(op.f("ix_updates_task_id_occurred_at"), "updates", ["task_id", "occurred_at"])
    op.create_index(
        op.f("ix_updates_project_id_occurred_at"), "updates", ["project_id", "occurred_at"]
    )
    op.create_index(
        op.f("ix_updates_slack_channel_slack_ts"), "updates", ["slack_channel", "slack_ts"]
    )
    op.create_index(op.f("ix_updates_alert_id"), "updates", ["alert_id"])

    # Batch mode: a plain ALTER TABLE on PostgreSQL, a table rebuild on SQLite (still empty).
    with op.batch_alter_table("alerts") as batch:
        batch.create_foreign_key(
            op.f("fk_alerts_resolved_by_update_id_updates"),
            "updates",
            ["resolved_by_update_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "update_revisions",
        _id(),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("raw_text", sa.Text()),
        sa.Column("values", JSON, nullable=False),
        sa.Column("revised_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_revisions")),
        sa.UniqueConstraint(
            "update_id", "revision", name=op.f("uq_update_revisions_update_id_revision")
        ),
        _fk("update_id", "updates", "update_revisions", "CASCADE"),
    )

    op.create_table(
        "outbox",
        _id(),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("project_id", sa.Integer()),
        sa.Column("task_id", sa.Integer()),
        sa.Column("alert_id", sa.Integer()),
        sa.Column("target", SLACK_ID, nullable=False),
        sa.Column("thread_ts", SLACK_TS),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", INSTANT, nullable=False),
        sa.Column("claimed_until", INSTANT),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_at", INSTANT),
        sa.Column("slack_channel", SLACK_ID),
        sa.Column("slack_ts", SLACK_TS),
        sa.Column("dedupe_key", sa.String(255)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        _fk("project_id", "projects", "outbox", "SET NULL"),
        _fk("task_id", "tasks", "outbox", "SET NULL"),
        _fk("alert_id", "alerts", "outbox", "SET NULL"),
        _check("outbox", "attempts_not_negative", "attempts >= 0"),
    )
    op.create_index(op.f("ix_outbox_state_next_attempt_at"), "outbox", ["state", "next_attempt_at"])
    op.create_index(
        op.f("ix_outbox_slack_channel_slack_ts"), "outbox", ["slack_channel", "slack_ts"]
    )
    op.create_index(op.f("ix_outbox_alert_id"), "outbox", ["alert_id"])


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint(op.f("fk_alerts_resolved_by_update_id_updates"), type_="foreignkey")
    # Dropping a table drops its indexes too.
    for table in (
        "outbox",
        "update_revisions",
        "updates",
        "alerts",
        "tasks",
        "crew_members",
        "crews",
        "project_roles",
        "channels",
        "projects",
        "members",
    ):
        op.drop_table(table)
