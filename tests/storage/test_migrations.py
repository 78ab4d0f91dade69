"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from storage.db import make_engine
from storage.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    head_revision,
    render_item,
    upgrade,
)
from storage.models import Base

pytestmark = pytest.mark.filterwarnings("error")


def schema_differences(engine: Engine, metadata: sa.MetaData) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, metadata)


def test_it_builds_exactly_the_models_schema(engine):
    differences = schema_differences(engine, Base.metadata)

    assert differences == []


def test_it_notices_when_the_models_and_the_database_differ(engine):
    # Guards the test above against comparing nothing.
    altered = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(altered)
    altered.tables["tasks"].append_column(sa.Column("extra", sa.Integer()))
    ix = next(i for i in altered.tables["outbox"].indexes if i.name == "ix_outbox_alert_id")
    altered.tables["outbox"].indexes.remove(ix)

    differences = schema_differences(engine, altered)

    assert sorted(d[0] for d in differences) == ["add_column", "remove_index"]


def test_it_creates_the_check_constraints_of_the_models(engine):
    # Autogenerate does not compare CHECK constraints, so this test does. SQLite reflects the
    # text as written; PostgreSQL rewrites it, so there only the names are compared.
    exact_text = engine.dialect.name == "sqlite"
    inspector = sa.inspect(engine)

    created = {
        (table, check["name"], check["sqltext"] if exact_text else None)
        for table in Base.metadata.tables
        for check in inspector.get_check_constraints(table)
    }

    declared = {
        (table.name, constraint.name, str(constraint.sqltext) if exact_text else None)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }
    assert created == declared


def test_it_creates_the_schema_in_an_empty_sqlite_file(tmp_path):
    path = tmp_path / "new.db"

    upgrade(f"sqlite:///{path}")

    engine = make_engine(f"sqlite:///{path}")
    try:
        assert current_revision(engine) == head_revision() == "0007"
        assert set(sa.inspect(engine).get_table_names()) == set(Base.metadata.tables) | {
            "alembic_version"
        }
    finally:
        engine.dispose()


def test_a_database_of_the_first_release_upgrades_in_place(empty_engine):
    upgrade(empty_engine, "0001")
    with empty_engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO members (slack_user_id) VALUES ('U0ANN')"))

    upgrade(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine, Base.metadata) == []
    with empty_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT slack_user_id FROM members")) == "U0ANN"


def test_it_dates_the_reports_read_from_posts_before_the_upgrade_by_their_post(empty_engine):
    upgrade(empty_engine, "0002")
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO projects (id, key, name, timezone, created_at)"
                " VALUES (1, 'TWR', 'Tower A', 'UTC', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO updates (project_id, occurred_at, recorded_at, source, kind,"
                " idempotency_key, slack_channel, slack_ts) VALUES"
                " (1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'message', 'progress', 'post',"
                "  'C0TOWER', '1764550800.000100'),"
                " (1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'reaction', 'ack', 'reaction',"
                "  'C0TOWER', '1764550800.000100')"
            )
        )

    upgrade(empty_engine)

    with empty_engine.connect() as connection:
        versions = connection.execute(
            sa.text("SELECT source, message_version FROM updates ORDER BY id")
        ).all()
    assert [tuple(row) for row in versions] == [
        ("message", "1764550800.000100"),
        ("reaction", None),
    ]


def test_it_does_nothing_when_upgraded_twice(engine):
    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert schema_differences(engine, Base.metadata) == []


def test_it_reports_no_revision_for_a_database_never_migrated(empty_engine):
    assert current_revision(empty_engine) is None


def test_it_needs_no_alembic_ini_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    upgrade(f"sqlite:///{tmp_path / 'cwd.db'}")

    assert not (tmp_path / "alembic.ini").exists()
    assert (MIGRATIONS_DIR / "env.py").is_file()


def test_it_leaves_the_application_logging_alone(tmp_path):
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("alembic").level)

    upgrade(f"sqlite:///{tmp_path / 'logging.db'}")

    assert (list(root.handlers), root.level, logging.getLogger("alembic").level) == before


def test_it_autogenerates_migrations_with_plain_sqlalchemy_types(empty_engine):
    with empty_engine.connect() as connection:
        migration = produce_migrations(MigrationContext.configure(connection), Base.metadata)

    code = render_python_code(migration.upgrade_ops, render_item=render_item)

    assert "storage" not in code
    assert "sa.DateTime(timezone=True)" in code
    assert "sa.Numeric(14, 2)" in code
    assert 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")' in code
    assert "sa.Enum" not in code
