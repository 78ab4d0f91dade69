"""Apply the Alembic migrations shipped inside this package; no alembic.ini needed at run time.

To write a new migration (developers):

    from alembic import command
    from storage.migrate import make_config
    command.revision(make_config("sqlite:///dev.db"), "add x", autogenerate=True, rev_id="0002")

then read and tidy the generated file in storage/migrations/versions/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine

from storage.db import SQLITE_BEGIN, make_engine
from storage.types import ExactNumeric, UTCDateTime

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Several replicas may start at once; on PostgreSQL they take turns on this advisory lock
# (SQLite's BEGIN IMMEDIATE serialises them already). Any constant unique to siteloop will do.
_MIGRATION_LOCK_ID = 0x5173_100B


def make_config(url: str | URL | None = None, *, connection: Connection | None = None) -> Config:
    """Return an Alembic Config for the shipped migrations, on `connection` or `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # Escape "%" for ConfigParser interpolation (passwords may contain it).
        rendered = sa.make_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url_or_engine: str | URL | Engine, revision: str = "head") -> None:
    """Migrate the database at `url_or_engine` to `revision` (default: the newest).

    All pending migrations run in one transaction, so a failure leaves the schema as it was.
    Running it again when already at `revision` does nothing.
    """
    owned = not isinstance(url_or_engine, Engine)
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
                )
            command.upgrade(make_config(connection=connection), revision)
    finally:
        if owned:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None if it has never been migrated."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{SQLITE_BEGIN: "DEFERRED"})
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision shipped with this code."""
    return ScriptDirectory.from_config(make_config()).get_current_head()


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render siteloop's column types as the plain SQLAlchemy types they are in the database.

    Used by env.py when autogenerating, so migration files never import application code
    (which changes later, while a migration must keep meaning what it meant).
    """
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, ExactNumeric):
        return f"sa.Numeric({obj.precision}, {obj.scale})"
    if isinstance(obj, sa.Enum) and not obj.native_enum and not obj.create_constraint:
        return f"sa.String({obj.length})"  # enum values are plain strings in the database
    if isinstance(obj, sa.JSON) and "postgresql" in obj._variant_mapping:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False
